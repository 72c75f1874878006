import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import type { DriverEvent } from '../../src/drivers/driver-event.js';
import { CouchDriver } from '../../src/drivers/couch-driver.js';
import { MlcDriver } from '../../src/drivers/mlc-driver.js';
import { openReconnectingByteLink } from '../../src/transport/open-link.js';
import { CouchDevice } from '../../simulators/couch-device.js';
import { FramedDeviceHost } from '../../simulators/framed-device-host.js';
import { ModbusTcpHost } from '../../simulators/modbus-tcp-host.js';
import { MlcDevice } from '../../simulators/mlc-device.js';
import { PhysicsLoop } from '../../simulators/physics-loop.js';
import { linkTiming, simOptions } from '../helpers/sim-fixtures.js';
import { until } from '../helpers/wait.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig() {
  const device = new MlcDevice(simOptions.mlc);
  const loop = new PhysicsLoop([device], 10);
  loop.start();
  let host = new FramedDeviceHost(device);
  const port = await host.host.listenTcp(0);
  const link = await openReconnectingByteLink({ kind: 'tcp', host: '127.0.0.1', port }, 500);
  const driver = new MlcDriver(link, { clock: systemClock, ...linkTiming });
  const events: DriverEvent['type'][] = [];
  driver.events$.subscribe((e) => events.push(e.type));
  cleanups.push(() => loop.stop(), () => host.host.close(), () => driver.close());
  return {
    device, port, link, driver, events,
    /** The device server goes away for `ms` and comes back on the same port. */
    async outage(ms: number) {
      await host.host.close();
      await new Promise((r) => setTimeout(r, ms));
      host = new FramedDeviceHost(device);
      await host.host.listenTcp(port);
    },
    dropConnections: () => host.host.dropConnections(),
  };
}

describe('a framed link that reopens after a drop (MLC over loopback TCP)', () => {
  it('reports the drop, goes stale, reopens by itself and is fresh again only once the device answers', async () => {
    const r = await rig();
    await until(() => r.driver.isFresh(), 2000, 'fresh');
    r.dropConnections();
    await until(() => r.events.includes('link-closed'), 1000, 'link-closed');
    await until(() => !r.driver.isFresh(), 1000, 'stale after the drop');
    await until(() => r.events.includes('link-reopened'), 3000, 'reopened');
    await until(() => r.driver.isFresh(), 2000, 'fresh again');
    // the order is the contract: stale at the drop (not when the last frame ages out), reopened, then fresh from a valid reply
    const tail = r.events.filter((t) => t !== 'request-failed').slice(-4);
    expect(tail).toEqual(['link-stale', 'link-closed', 'link-reopened', 'link-fresh']);
    expect(await r.driver.identify()).toMatchObject({ leafPairs: 60 });
    expect(r.link.reconnects.succeeded).toBe(1);
  });

  it('keeps trying with backoff while the device server is down, then reconnects', async () => {
    const r = await rig();
    await until(() => r.driver.isFresh(), 2000, 'fresh');
    await r.outage(1200);
    expect(r.link.reconnects.attempts).toBeGreaterThanOrEqual(2); // refused attempts while it was down
    await until(() => r.driver.isFresh(), 4000, 'fresh after the outage');
    expect(r.link.reconnects.succeeded).toBe(1);
  });

  it('stops reconnecting once closed', async () => {
    const r = await rig();
    await until(() => r.driver.isFresh(), 2000, 'fresh');
    r.dropConnections();
    await until(() => r.events.includes('link-closed'), 1000, 'link-closed');
    await r.driver.close();
    const attempts = r.link.reconnects.attempts;
    await new Promise((res) => setTimeout(res, 600));
    expect(r.link.reconnects.attempts).toBe(attempts);
    expect(r.link.isOpen).toBe(false);
  });
});

async function couchRig() {
  const device = new CouchDevice(simOptions.couch);
  const loop = new PhysicsLoop([device], 10);
  loop.start();
  let host = new ModbusTcpHost(device, 1);
  const port = await host.host.listenTcp(0);
  const driver = await CouchDriver.connect({ clock: systemClock, transport: { kind: 'tcp', host: '127.0.0.1', port }, unitId: 1, connectTimeoutMs: 500, pollMs: 20, ...linkTiming });
  const events: DriverEvent['type'][] = [];
  driver.events$.subscribe((e) => events.push(e.type));
  cleanups.push(() => loop.stop(), () => host.host.close(), () => driver.close());
  return {
    device, driver, events,
    get host() {
      return host;
    },
    async outage(ms: number) {
      await host.host.close();
      await new Promise((r) => setTimeout(r, ms));
      host = new ModbusTcpHost(device, 1);
      await host.host.listenTcp(port);
    },
  };
}

describe('the couch Modbus client reconnects (Modbus TCP on loopback)', () => {
  it('after the device server went away: stale, closed, reopened, fresh only once the couch answers', async () => {
    const r = await couchRig();
    await until(() => r.driver.isFresh(), 2000, 'fresh');
    await r.outage(800);
    await until(() => r.events.includes('link-reopened'), 5000, 'reopened');
    await until(() => r.driver.isFresh(), 2000, 'fresh again');
    const after = r.events.slice(r.events.indexOf('link-closed'));
    expect(after.indexOf('link-reopened')).toBeLessThan(after.indexOf('link-fresh'));
    expect(r.events.indexOf('link-stale')).toBeLessThan(r.events.indexOf('link-closed'));
    expect(r.driver.reconnects.succeeded).toBe(1);
    // and it still works: once the watchdog writes resume, a move goes through on the new connection
    await until(() => r.driver.latest?.status.enabled === true, 2000, 'couch enabled (watchdog current)');
    await r.driver.moveTo({ lateralMm: 1, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 }, 7);
    await until(() => Math.abs((r.driver.latest?.actual.lateralMm ?? 0) - 1) < 0.2, 5000, 'couch moved after the reconnect');
  });

  it('replaces a connection that stays open but silent (half-open), and stays stale while the couch is silent', async () => {
    const r = await couchRig();
    await until(() => r.driver.isFresh(), 2000, 'fresh');
    r.host.faults.silent = true;
    await until(() => r.events.includes('link-reopened'), 5000, 'a new connection');
    expect(r.driver.isFresh()).toBe(false);
    r.host.faults.silent = false;
    await until(() => r.driver.isFresh(), 3000, 'fresh once the couch answers');
  });
});
