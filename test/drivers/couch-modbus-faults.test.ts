/**
 * The couch driver against a third-party Modbus server (jsmodbus) through a
 * fault proxy, over Modbus TCP on loopback and Modbus RTU on a pseudo-terminal.
 * Assertions are properties sampled over many polls (never fresh, never a late
 * reply attributed, never fresh on an old pose), not timings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.js';
import { systemClock } from '../../src/core/clock.js';
import { CouchDriver } from '../../src/drivers/couch-driver.js';
import { CouchRegisters, DOC_REG, jsmodbusRtuCouch, jsmodbusTcpCouch } from '../helpers/jsmodbus-couch.js';
import { ModbusFaultProxy } from '../helpers/modbus-fault-proxy.js';
import { linkTiming } from '../helpers/sim-fixtures.js';
import { until } from '../helpers/wait.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The couch at lateral −1.5 mm, longitudinal 2.25 mm, vertical −0.75 mm, pitch 0.5°, roll −0.25°, yaw 1.2°, in position and enabled. */
function documentedCouch(): CouchRegisters {
  const regs = new CouchRegisters();
  regs.setPose(DOC_REG.actualPose, [-1500, 2250, -750, 500, -250, 1200]); // µm, µm, µm, mdeg, mdeg, mdeg
  regs.set(DOC_REG.status, (1 << 1) | (1 << 4)); // in position, enabled
  return regs;
}
const documentedPose = { lateralMm: -1.5, longitudinalMm: 2.25, verticalMm: -0.75, pitchDeg: 0.5, rollDeg: -0.25, yawDeg: 1.2 };

type Kind = 'tcp' | 'rtu';

async function rig(kind: Kind) {
  const regs = documentedCouch();
  let proxy: ModbusFaultProxy;
  let transport: Parameters<typeof CouchDriver.connect>[0]['transport'];
  if (kind === 'tcp') {
    const server = await jsmodbusTcpCouch(regs);
    cleanups.push(() => server.close());
    const p = await ModbusFaultProxy.tcp(server.port);
    transport = { kind: 'tcp', host: '127.0.0.1', port: p.port };
    proxy = p;
  } else {
    const p = ModbusFaultProxy.rtu((fromServer) => jsmodbusRtuCouch(regs, fromServer));
    transport = { kind: 'serial', path: p.path, baudRate: 115200 };
    proxy = p;
  }
  cleanups.push(() => proxy.close());
  const driver = await CouchDriver.connect({ clock: systemClock, transport, unitId: 1, connectTimeoutMs: 1000, pollMs: kind === 'tcp' ? 20 : 12, ...linkTiming });
  cleanups.push(() => driver.close());
  const ticks: number[] = [];
  driver.snapshot$.subscribe((s) => s && ticks.push(s.status.deviceTick));
  return { regs, proxy, driver, ticks };
}

/** Samples the driver every 5 ms for `ms`: how often it was fresh, and any sample fresh on a pose older than staleAfterMs. */
async function sample(driver: CouchDriver, ms: number): Promise<{ samples: number; fresh: number; freshOnOldPose: number[] }> {
  const out = { samples: 0, fresh: 0, freshOnOldPose: [] as number[] };
  const end = performance.now() + ms;
  while (performance.now() < end) {
    out.samples++;
    if (driver.isFresh()) {
      out.fresh++;
      const age = systemClock.nowMs() - (driver.latest?.atMs ?? -Infinity);
      if (age > linkTiming.staleAfterMs) out.freshOnOldPose.push(age);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return out;
}

const late = (seed: number) => {
  const rand = mulberry32(seed);
  return () => 110 + 290 * rand(); // 110–400 ms against a 100 ms request timeout
};

describe.each<Kind>(['tcp', 'rtu'])('couch driver against jsmodbus through a fault proxy (Modbus %s)', (kind) => {
  it('reads the documented registers and keeps the watchdog changing', async () => {
    const { driver, regs } = await rig(kind);
    expect([regs.get(0), regs.get(1)]).toEqual([0xffff, 0xfa24]); // the document's own example: lateral −1.5 mm
    await until(() => driver.isFresh(), 3000, 'fresh');
    expect(driver.latest!.actual).toEqual(documentedPose);
    expect(driver.latest!.status).toMatchObject({ inPosition: true, enabled: true, moving: false, fault: false });
    const w = regs.get(DOC_REG.watchdog);
    await until(() => regs.get(DOC_REG.watchdog) !== w, 2000, 'a new watchdog value');
    await driver.moveTo({ lateralMm: 3.2, longitudinalMm: -2.5, verticalMm: 1.4, pitchDeg: 0.7, rollDeg: -0.5, yawDeg: 1.1 }, 42);
    const target = [0, 1, 2, 3, 4, 5].map((i) => regs.holding.readInt32BE(2 * (DOC_REG.targetPose + 2 * i)));
    expect(target).toEqual([3200, -2500, 1400, 700, -500, 1100]);
    expect([regs.get(DOC_REG.moveId), regs.get(DOC_REG.command)]).toEqual([42, 1]);
  });

  it('is never fresh while every reply comes 110–400 ms after a 100 ms timeout, and recovers once replies are prompt', async () => {
    const { driver, proxy, ticks } = await rig(kind);
    await until(() => driver.isFresh(), 3000, 'fresh');
    const delay = late(kind === 'tcp' ? 7 : 8);
    proxy.faults = { replyDelayMs: () => delay(), reads: 'pass' };
    await until(() => !driver.isFresh(), 2000, 'stale');
    const before = { ticks: ticks.length, delivered: proxy.delivered.length };
    const s = await sample(driver, 3000);
    expect(proxy.delivered.length - before.delivered).toBeGreaterThan(5); // the late replies did arrive
    expect(s.fresh).toBe(0);
    expect(ticks.length).toBe(before.ticks); // none of them became a snapshot
    expect(driver.counters.unexpected).toBeGreaterThan(0); // they were seen and discarded
    proxy.faults = { replyDelayMs: () => 0, reads: 'pass' };
    await until(() => driver.isFresh(), 5000, 'fresh again');
    expect(driver.latest!.actual).toEqual(documentedPose);
  });

  it('never attributes a late reply to a later request (half the reads answered 110–400 ms late)', async () => {
    const { driver, proxy, ticks } = await rig(kind);
    await until(() => driver.isFresh(), 3000, 'fresh');
    const rand = mulberry32(kind === 'tcp' ? 11 : 12);
    const delay = late(kind === 'tcp' ? 13 : 14);
    proxy.faults = { replyDelayMs: (fn) => (fn === 0x03 && rand() < 0.5 ? delay() : 0), reads: 'pass' };
    const from = ticks.length;
    await sample(driver, 3000);
    proxy.faults = { replyDelayMs: () => 0, reads: 'pass' };
    await until(() => driver.isFresh(), 5000, 'fresh again');
    const accepted = ticks.slice(from);
    const prompt = proxy.promptTicks(linkTiming.requestTimeoutMs);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.filter((t) => !prompt.has(t))).toEqual([]); // each snapshot came from a reply within its request's timeout
    expect(proxy.delivered.filter((d) => d.deliveredAtMs - d.requestAtMs > linkTiming.requestTimeoutMs).length).toBeGreaterThan(0);
  });

  it.each(['exception', 'silence'] as const)('goes stale within staleAfterMs when reads fail (%s) while watchdog writes succeed, then recovers', async (reads) => {
    const { driver, proxy } = await rig(kind);
    await until(() => driver.isFresh(), 3000, 'fresh');
    proxy.faults = { replyDelayMs: () => 0, reads };
    const from = proxy.delivered.length;
    const s = await sample(driver, 1500);
    expect(s.freshOnOldPose).toEqual([]); // never fresh on a pose older than staleAfterMs
    expect(driver.isFresh()).toBe(false);
    expect(proxy.writesAcked(from)).toBeGreaterThanOrEqual(5); // the couch kept acknowledging the watchdog
    proxy.faults = { replyDelayMs: () => 0, reads: 'pass' };
    await until(() => driver.isFresh(), 5000, 'fresh again');
  });

  it('discards injected bytes, counts them, and attributes nothing they could have been', async () => {
    const { driver, proxy, ticks } = await rig(kind);
    await until(() => driver.isFresh(), 3000, 'fresh');
    const from = ticks.length;
    const junk = kind === 'tcp' ? Buffer.from([0xff, 0xfe, 0, 0, 0, 63, 1, 0x03, 60, ...Array(60).fill(0x7f)]) : Buffer.from([0x01, 0x03, 0x3c, 0x55, 0xaa]);
    for (let i = 0; i < 5; i++) {
      proxy.inject(junk);
      await new Promise((r) => setTimeout(r, 50));
    }
    await until(() => driver.isFresh(), 3000, 'fresh after the junk');
    expect(driver.counters.unexpected + driver.counters.framesRejected).toBeGreaterThan(0);
    const prompt = proxy.promptTicks(linkTiming.requestTimeoutMs);
    expect(ticks.slice(from).filter((t) => !prompt.has(t))).toEqual([]);
    expect(driver.latest!.actual).toEqual(documentedPose);
  });
});
