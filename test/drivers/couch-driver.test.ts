import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { CouchDriver } from '../../src/drivers/couch-driver.js';
import { CouchFault } from '../../src/protocol/couch-register-map.js';
import { CouchDevice } from '../../simulators/couch-device.js';
import { openPtyPair } from '../../src/kernels/pty.js';
import { openByteLink } from '../../src/transport/open-link.js';
import { ModbusRtuHost } from '../../simulators/modbus-rtu-host.js';
import { ModbusTcpHost } from '../../simulators/modbus-tcp-host.js';
import { PhysicsLoop } from '../../simulators/physics-loop.js';
import { linkTiming, simOptions } from '../helpers/sim-fixtures.js';
import { msToStale } from '../helpers/stale-detection.js';
import { until } from '../helpers/wait.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(timeScale = 10) {
  const device = new CouchDevice(simOptions.couch);
  const host = new ModbusTcpHost(device, 1);
  const loop = new PhysicsLoop([device], timeScale);
  loop.start();
  const port = await host.host.listenTcp(0);
  const driver = await CouchDriver.connect({ clock: systemClock, transport: { kind: 'tcp', host: '127.0.0.1', port }, unitId: 1, connectTimeoutMs: 1000, pollMs: 20, ...linkTiming });
  cleanups.push(() => loop.stop(), () => host.host.close(), () => driver.close());
  return { device, host, driver };
}

const target = { lateralMm: 3.2, longitudinalMm: -2.5, verticalMm: 1.4, pitchDeg: 0.7, rollDeg: -0.5, yawDeg: 1.1 };

describe('couch driver against the couch simulator over Modbus TCP on loopback', () => {
  it('moves all six axes to a target and reads it back in position', async () => {
    const { driver } = await rig();
    await until(() => driver.isFresh(), 2000, 'fresh');
    await driver.moveTo(target, 42);
    await until(() => driver.latest?.status.inPosition === true && driver.latest.status.moveId === 42, 5000, 'in position');
    for (const [axis, v] of Object.entries(target)) expect(Math.abs(driver.latest!.actual[axis as keyof typeof target] - v)).toBeLessThan(0.1); // encoder noise
  });

  it('sees the couch refuse a target outside its travel with a fault, not a clamp', async () => {
    const { driver } = await rig();
    await driver.moveTo({ ...target, pitchDeg: 4 }, 1);
    await until(() => driver.latest?.status.fault === true, 2000, 'fault');
    expect(driver.latest!.status.faultCode).toBe(CouchFault.TargetOutOfRange);
    expect(Math.abs(driver.latest!.actual.pitchDeg)).toBeLessThan(0.05); // only encoder noise: it never moved
  });

  it('rejects and counts a corrupted reply, retries the read, and the link stays up', async () => {
    const { driver, host } = await rig();
    await until(() => driver.isFresh(), 2000, 'fresh');
    host.faults.corruptReplies = 1;
    await until(() => driver.counters.framesRejected === 1, 2000, 'rejected frame');
    await until(() => driver.isFresh(), 500, 'fresh again');
    expect(driver.counters.framesRejected).toBe(1);
  });

  it('maps a Modbus exception response to a clear refusal', async () => {
    const { driver, host } = await rig();
    await until(() => driver.isFresh(), 2000, 'fresh');
    host.logic.exceptionReplies = 100;
    await expect(driver.stop()).rejects.toMatchObject({ code: 'DEVICE_REJECTED', field: 'couch.command' });
  });

  it('reports a silent couch stale within two heartbeat periods', async () => {
    const { driver, host } = await rig();
    expect(await msToStale(driver, () => (host.faults.silent = true))).toBeLessThanOrEqual(2 * linkTiming.heartbeatMs);
  });

  it('the couch stops by itself when the watchdog register stops changing', async () => {
    const { driver, device } = await rig(1);
    await driver.moveTo({ ...target, longitudinalMm: 35 }, 2); // 3.5 s at 10 mm/s
    await until(() => driver.latest?.status.moving === true, 2000, 'moving');
    await driver.close(); // the bridge dies mid-move
    await until(() => !(device.read(25, 1)![0] & 1), 3000, 'stopped');
    expect(device.read(26, 1)![0]).toBe(CouchFault.Watchdog);
    expect(device.pose.longitudinalMm).toBeLessThan(35);
  });
});

describe('couch driver against the couch simulator over Modbus RTU on a pseudo-terminal', () => {
  it('reads the pose, moves to a target, and counts a corrupted reply as rejected (CRC) without losing the link', async () => {
    const device = new CouchDevice(simOptions.couch);
    const host = new ModbusRtuHost(device, 1);
    const loop = new PhysicsLoop([device], 10);
    loop.start();
    const pty = openPtyPair();
    host.host.attach(pty.master);
    const driver = await CouchDriver.connect({ clock: systemClock, transport: { kind: 'serial', path: pty.slavePath, baudRate: 115200 }, unitId: 1, connectTimeoutMs: 1000, pollMs: 12, ...linkTiming });
    cleanups.push(() => loop.stop(), () => pty.close(), () => driver.close());
    await until(() => driver.isFresh(), 2000, 'fresh');
    host.faults.corruptReplies = 1;
    await until(() => driver.counters.framesRejected >= 1, 2000, 'rejected frame');
    await until(() => driver.isFresh(), 1000, 'fresh again');
    await driver.moveTo(target, 9);
    await until(() => driver.latest?.status.inPosition === true && driver.latest.status.moveId === 9, 5000, 'in position');
  });
});

describe('couch driver started before its couch is there', () => {
  it('with retryFirstOpen, connects stale, keeps trying with backoff, and is fresh once the couch answers', async () => {
    const device = new CouchDevice(simOptions.couch);
    const host = new ModbusTcpHost(device, 1);
    const port = await host.host.listenTcp(0);
    await host.host.close(); // nothing listens on the port now
    let refused = 0;
    const driver = await CouchDriver.connect({
      clock: systemClock, transport: { kind: 'tcp', host: '127.0.0.1', port }, unitId: 1, connectTimeoutMs: 1000, pollMs: 20, ...linkTiming, retryFirstOpen: true,
      openLink: (spec, t) => openByteLink(spec, t).catch((e) => {
        refused++;
        throw e;
      }),
    });
    cleanups.push(() => driver.close());
    expect(driver.isFresh()).toBe(false);
    await until(() => refused >= 2, 5000, 'retries while the couch is away');
    expect(driver.reconnects.attempts).toBeGreaterThanOrEqual(1);
    const back = new ModbusTcpHost(device, 1);
    await back.host.listenTcp(port);
    cleanups.push(() => back.host.close());
    await until(() => driver.isFresh(), 10_000, 'fresh once the couch answers');
  });

  it('without it, connect fails naming the address (the embedded simulators must be up)', async () => {
    const device = new CouchDevice(simOptions.couch);
    const host = new ModbusTcpHost(device, 1);
    const port = await host.host.listenTcp(0);
    await host.host.close();
    await expect(CouchDriver.connect({ clock: systemClock, transport: { kind: 'tcp', host: '127.0.0.1', port }, unitId: 1, connectTimeoutMs: 1000, pollMs: 20, ...linkTiming })).rejects.toMatchObject({ code: 'LINK_CLOSED', field: `tcp://127.0.0.1:${port}` });
  });
});
