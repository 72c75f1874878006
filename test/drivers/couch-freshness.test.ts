/** Couch freshness on a simulated clock: only a valid pose read is evidence; write acknowledgements are not. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { CouchDriver } from '../../src/drivers/couch-driver.js';
import { ScriptedLink } from '../helpers/scripted-link.js';

const flush = () => new Promise<void>((r) => setImmediate(r));
const timing = { requestTimeoutMs: 100, heartbeatMs: 100, staleAfterMs: 150, pollMs: 20 };

/** A read of `count` registers at `address`: zeros, and the documented identity in registers 30, 31 ("C6", map version 1). */
function readReply(pdu: Buffer): Buffer {
  const address = pdu.readUInt16BE(1);
  const count = pdu.readUInt16BE(3);
  const data = Buffer.alloc(2 * count);
  for (const [reg, v] of [[30, 0x4336], [31, 1]]) if (reg >= address && reg < address + count) data.writeUInt16BE(v, 2 * (reg - address));
  return Buffer.concat([Buffer.from([0x03, 2 * count]), data]);
}

/** A scripted Modbus TCP couch: echoes writes, answers reads (identity in registers 30, 31) or, when told, exception 04. */
async function rig() {
  const clock = new ManualClock();
  const link = new ScriptedLink();
  const device = { readsFail: false, writesAcked: 0 };
  link.onWrite = (req) => {
    const pdu = req.subarray(7);
    const reply = pdu[0] === 0x03 ? (device.readsFail ? Buffer.from([0x83, 0x04]) : readReply(pdu)) : pdu.subarray(0, 5);
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
