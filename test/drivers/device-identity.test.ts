/**
 * A framed link is fresh only once the device on it has said what it is and that is the configured
 * device: a device that merely answers (the MLC controller NAKs the beam link's frames) is not evidence.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import { BeamDriver } from '../../src/drivers/beam-driver.js';
import { CouchDriver } from '../../src/drivers/couch-driver.js';
import type { DriverEvent } from '../../src/drivers/driver-event.js';
import { LinkHealthMonitor } from '../../src/drivers/link-health.js';
import { MlcDriver } from '../../src/drivers/mlc-driver.js';
import { BeamCmd } from '../../src/protocol/beam-protocol.js';
import { MlcCmd } from '../../src/protocol/mlc-protocol.js';
import { openReconnectingByteLink } from '../../src/transport/open-link.js';
import { openTcpLink } from '../../src/transport/tcp-link.js';
import { BeamDevice, defaultBeamSimOptions } from '../../simulators/beam-device.js';
import { FramedDeviceHost, type FramedDevice } from '../../simulators/framed-device-host.js';
import { MlcDevice } from '../../simulators/mlc-device.js';
import { CouchRegisters, DOC_REG, jsmodbusTcpCouch } from '../helpers/jsmodbus-couch.js';
import { linkTiming, simOptions, testConfig } from '../helpers/sim-fixtures.js';
import { until } from '../helpers/wait.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const expectedMlc = { model: testConfig.mlc.id, leafPairs: testConfig.mlc.leafPairs };

/** `device` behind a framed host on loopback; records the command of every frame it receives. */
async function serve(device: FramedDevice) {
  const cmds: number[] = [];
  const host = new FramedDeviceHost({ handle: (f) => (cmds.push(f.cmd), device.handle(f)) });
  const port = await host.host.listenTcp(0);
  cleanups.push(() => host.host.close());
  return { port, cmds };
}

const tcp = (port: number) => openTcpLink('127.0.0.1', port, 1000);

/** The driver `make` opens, with its events and whether it was ever fresh. */
async function driverOn<D extends BeamDriver | MlcDriver>(make: () => Promise<D>) {
  const driver = await make();
  const events: DriverEvent[] = [];
  let everFresh = false;
  driver.events$.subscribe((e) => events.push(e));
  driver.health$.subscribe((h) => (everFresh ||= h.fresh));
  cleanups.push(() => driver.close());
  return { driver, events, wasEverFresh: () => everFresh };
}

const mismatches = (events: DriverEvent[]) => events.filter((e) => e.type === 'link-identity-mismatch');

describe('framed drivers confirm the device identity before the link is fresh', () => {
  it('keeps a beam link pointed at the MLC controller stale, sends it only IDENTIFY and reports the mismatch once', async () => {
    const mlc = await serve(new MlcDevice(simOptions.mlc));
    const r = await driverOn(async () => new BeamDriver(await tcp(mlc.port), { clock: systemClock, ...linkTiming }));
    await until(() => mlc.cmds.length >= 5, 5000, 'five identity attempts');
    expect(r.driver.isFresh()).toBe(false);
    expect(r.wasEverFresh()).toBe(false);
    expect(new Set(mlc.cmds)).toEqual(new Set([BeamCmd.Identify])); // no heartbeat, no command to a device of unknown identity
    expect(mismatches(r.events)).toHaveLength(1);
    expect(mismatches(r.events)[0]).toMatchObject({ device: 'beam', expected: 'linac-beam-interface' });
    expect((mismatches(r.events)[0] as { actual: string }).actual).toMatch(/DEVICE_REJECTED|refused/);
  });

  it('keeps an MLC link pointed at the linac beam interface stale and reports the mismatch once', async () => {
    const beam = await serve(new BeamDevice(defaultBeamSimOptions));
    const r = await driverOn(async () => new MlcDriver(await tcp(beam.port), { clock: systemClock, ...linkTiming }, expectedMlc));
    await until(() => beam.cmds.length >= 5, 5000, 'five identity attempts');
    expect(r.driver.isFresh()).toBe(false);
    expect(r.wasEverFresh()).toBe(false);
    expect(new Set(beam.cmds)).toEqual(new Set([MlcCmd.Identify]));
    expect(mismatches(r.events)).toHaveLength(1);
    expect(mismatches(r.events)[0]).toMatchObject({ device: 'mlc', expected: `MLC ${expectedMlc.model} with ${expectedMlc.leafPairs} leaf pairs` });
  });

  it('refuses an MLC controller with another leaf count and model than the configured one, naming both', async () => {
    const other = { ...simOptions.mlc, model: 'agility', leafPairs: 80 };
    expect(other.leafPairs).not.toBe(expectedMlc.leafPairs);
    const mlc = await serve(new MlcDevice(other));
    const r = await driverOn(async () => new MlcDriver(await tcp(mlc.port), { clock: systemClock, ...linkTiming }, expectedMlc));
    await until(() => mismatches(r.events).length === 1 && mlc.cmds.length >= 3, 5000, 'mismatch reported');
    const e = mismatches(r.events)[0] as { expected: string; actual: string };
    expect(e.expected).toContain(`${expectedMlc.model} with ${expectedMlc.leafPairs} leaf pairs`);
    expect(e.actual).toContain('agility with 80 leaf pairs');
    expect(r.driver.isFresh()).toBe(false);
    expect(r.driver.latest).toBeUndefined(); // no readback taken from it either
    expect(mismatches(r.events)).toHaveLength(1);
  });

  it('reports a device that does not answer IDENTIFY within the request timeout, once', async () => {
    const host = new FramedDeviceHost({ handle: () => ({ payload: Buffer.alloc(0) }) });
    host.faults.silent = true;
    const port = await host.host.listenTcp(0);
    cleanups.push(() => host.host.close());
    const r = await driverOn(async () => new BeamDriver(await tcp(port), { clock: systemClock, ...linkTiming }));
    await until(() => r.driver.counters.timeouts >= 3, 5000, 'three identity timeouts');
    expect(mismatches(r.events)).toEqual([{ type: 'link-identity-mismatch', device: 'beam', expected: 'linac-beam-interface', actual: `no identity within ${linkTiming.requestTimeoutMs} ms` }]);
    expect(r.driver.isFresh()).toBe(false);
  });

  it('is fresh on the configured devices, IDENTIFY first', async () => {
    const mlc = await serve(new MlcDevice(simOptions.mlc));
    const beam = await serve(new BeamDevice(defaultBeamSimOptions));
    const m = await driverOn(async () => new MlcDriver(await tcp(mlc.port), { clock: systemClock, ...linkTiming }, expectedMlc));
    const b = await driverOn(async () => new BeamDriver(await tcp(beam.port), { clock: systemClock, ...linkTiming }));
    await until(() => m.driver.isFresh() && b.driver.isFresh() && m.driver.latest !== undefined, 5000, 'both fresh');
    expect(mlc.cmds[0]).toBe(MlcCmd.Identify);
    expect(beam.cmds[0]).toBe(BeamCmd.Identify);
    expect(mismatches([...m.events, ...b.events])).toEqual([]);
  });
});

/** A loopback port whose n-th connection is piped to `ports[n]` (the last repeats); `drop()` closes the open ones. */
async function switchingPort(ports: readonly number[]) {
  const open = new Set<net.Socket>();
  let n = 0;
  const srv = net.createServer((s) => {
    const up = net.connect(ports[Math.min(n++, ports.length - 1)], '127.0.0.1');
    open.add(s);
    s.on('error', () => undefined);
    up.on('error', () => s.destroy());
    s.on('close', () => (open.delete(s), up.destroy()));
    up.on('close', () => s.destroy());
    s.pipe(up);
    up.pipe(s);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => (open.forEach((s) => s.destroy()), srv.close(() => r()))));
  return { port: (srv.address() as net.AddressInfo).port, drop: () => open.forEach((s) => s.destroy()) };
}

describe('identity is confirmed again on every reconnect', () => {
  it('an MLC link fresh on its controller that reconnects to the beam interface stays stale and reports the mismatch', async () => {
    const mlc = await serve(new MlcDevice(simOptions.mlc));
    const beam = await serve(new BeamDevice(defaultBeamSimOptions));
    const sw = await switchingPort([mlc.port, beam.port]);
    const link = await openReconnectingByteLink({ kind: 'tcp', host: '127.0.0.1', port: sw.port }, 500);
    const r = await driverOn(async () => new MlcDriver(link, { clock: systemClock, ...linkTiming }, expectedMlc));
    await until(() => r.driver.isFresh(), 5000, 'fresh on the MLC controller');
    expect(mismatches(r.events)).toEqual([]);
    sw.drop();
    await until(() => r.events.some((e) => e.type === 'link-reopened') && beam.cmds.length >= 3, 5000, 'reopened to the beam interface');
    expect(r.driver.isFresh()).toBe(false);
    expect(new Set(beam.cmds)).toEqual(new Set([MlcCmd.Identify]));
    expect(mismatches(r.events)).toHaveLength(1);
    expect(r.events.filter((e) => e.type === 'link-fresh')).toHaveLength(1); // the first connection's only
  });
});

/** The couch driver against a third-party Modbus server (jsmodbus) holding `regs`. */
async function couchOn(regs: CouchRegisters) {
  const server = await jsmodbusTcpCouch(regs);
  cleanups.push(() => server.close());
  const driver = await CouchDriver.connect({ clock: systemClock, transport: { kind: 'tcp', host: '127.0.0.1', port: server.port }, unitId: 1, connectTimeoutMs: 1000, pollMs: 20, ...linkTiming });
  const events: DriverEvent[] = [];
  let everFresh = false;
  driver.events$.subscribe((e) => events.push(e));
  driver.health$.subscribe((h) => (everFresh ||= h.fresh));
  cleanups.push(() => driver.close());
  return { driver, events, wasEverFresh: () => everFresh };
}

describe('the couch driver reads the identity registers (30, 31) before the link is fresh', () => {
  it('keeps a Modbus device with another device type stale, takes no pose from it and reports the mismatch once', async () => {
    const regs = new CouchRegisters();
    regs.set(DOC_REG.deviceType, 0x1234);
    const r = await couchOn(regs);
    await until(() => regs.get(DOC_REG.deviceTick) >= 10, 5000, 'ten identity reads served');
    expect(r.driver.isFresh()).toBe(false);
    expect(r.wasEverFresh()).toBe(false);
    expect(r.driver.latest).toBeUndefined();
    expect(mismatches(r.events)).toEqual([{ type: 'link-identity-mismatch', device: 'couch', expected: 'device type 0x4336, map version 1', actual: 'device type 0x1234, map version 1' }]);
  });

  it('is fresh on a device that holds the documented identity', async () => {
    const r = await couchOn(new CouchRegisters());
    await until(() => r.driver.isFresh() && r.driver.latest !== undefined, 5000, 'fresh');
    expect(mismatches(r.events)).toEqual([]);
  });
});

describe('link health with an identity requirement', () => {
  it('is not fresh on valid frames until the identity is confirmed, and must confirm again after the transport was lost', () => {
    const clock = new ManualClock();
    const h = new LinkHealthMonitor(clock, 150, { identityRequired: true });
    h.touch();
    expect(h.isFresh()).toBe(false);
    expect(h.current.fresh).toBe(false);
    h.identityConfirmed();
    expect(h.isFresh()).toBe(true);
    h.invalidate();
    h.touch(); // a reply on the new connection, before its device has said what it is
    expect(h.isFresh()).toBe(false);
    expect(h.isIdentified).toBe(false);
    h.identityConfirmed();
    expect(h.isFresh()).toBe(true);
  });
});
