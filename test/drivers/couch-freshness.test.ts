/** Couch freshness on a simulated clock: only a valid pose read is evidence; write acknowledgements are not. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { CouchDriver } from '../../src/drivers/couch-driver.js';
import { ScriptedLink } from '../helpers/scripted-link.js';

const flush = () => new Promise<void>((r) => setImmediate(r));
const timing = { requestTimeoutMs: 100, heartbeatMs: 100, staleAfterMs: 150, pollMs: 20 };

/** A scripted Modbus TCP couch: echoes writes, answers reads with 30 registers or, when told, exception 04. */
async function rig() {
  const clock = new ManualClock();
  const link = new ScriptedLink();
  const device = { readsFail: false, writesAcked: 0 };
  link.onWrite = (req) => {
    const pdu = req.subarray(7);
    const reply = pdu[0] === 0x03 ? (device.readsFail ? Buffer.from([0x83, 0x04]) : Buffer.concat([Buffer.from([0x03, 60]), Buffer.alloc(60)])) : pdu.subarray(0, 5);
    if (pdu[0] !== 0x03) device.writesAcked++;
    const head = Buffer.from(req.subarray(0, 7));
    head.writeUInt16BE(reply.length + 1, 4);
    link.feed(Buffer.concat([head, reply]));
  };
  const driver = await CouchDriver.connect({ clock, transport: { kind: 'tcp', host: 'scripted', port: 1 }, unitId: 1, connectTimeoutMs: 100, ...timing, openLink: async () => link });
  /** Runs the clock 1 ms at a time, checking at each step that fresh means a pose younger than staleAfterMs. */
  const run = async (ms: number) => {
    const violations: number[] = [];
    for (let i = 0; i < ms; i++) {
      clock.advance(1);
      await flush();
      if (driver.isFresh() && clock.nowMs() - driver.latest!.atMs > timing.staleAfterMs) violations.push(clock.nowMs());
    }
    return violations;
  };
  return { clock, driver, device, run };
}

describe('couch freshness comes from pose reads only (simulated clock)', () => {
  it('goes stale staleAfterMs after the last pose read while every read fails and every write is acknowledged', async () => {
    const { clock, driver, device, run } = await rig();
    expect(await run(100)).toEqual([]);
    expect(driver.isFresh()).toBe(true);
    device.readsFail = true;
    const acked = device.writesAcked;
    const violations = await run(1500);
    expect(violations).toEqual([]);
    expect(driver.isFresh()).toBe(false);
    expect(device.writesAcked - acked).toBeGreaterThanOrEqual(14); // the watchdog kept being acknowledged for 1.5 s
    expect(clock.nowMs() - driver.latest!.atMs).toBeGreaterThanOrEqual(1400);
    expect(driver.counters.naks).toBeGreaterThan(0);
    await driver.close();
  });

  it('is fresh again on the first valid pose read after reads recover', async () => {
    const { driver, device, run } = await rig();
    await run(100);
    device.readsFail = true;
    await run(500);
    expect(driver.isFresh()).toBe(false);
    device.readsFail = false;
    expect(await run(40)).toEqual([]);
    expect(driver.isFresh()).toBe(true);
    await driver.close();
  });
});
