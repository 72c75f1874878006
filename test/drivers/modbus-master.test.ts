import { describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '../../src/core/clock.js';
import { ModbusMaster, type ModbusFraming } from '../../src/drivers/modbus-master.js';
import { rtuSilenceMs } from '../../src/drivers/modbus-reply.js';
import { encodeRtu } from '../../src/protocol/modbus-codec.js';
import { ScriptedLink } from '../helpers/scripted-link.js';

const flush = () => new Promise<void>((r) => setImmediate(r));

function rig(framing: ModbusFraming, clock: Clock = new ManualClock()) {
  const link = new ScriptedLink();
  let fenceValue = 100;
  const discarded: string[] = [];
  const master = new ModbusMaster(link, { clock, framing, unitId: 1, timeoutMs: 100, fence: () => ({ address: 27, value: ++fenceValue }), onDiscard: (why) => discarded.push(why) });
  return { link, master, discarded, clock };
}

/** A read reply PDU carrying `regs`. */
const readPdu = (regs: number[]) => Buffer.from([0x03, 2 * regs.length, ...regs.flatMap((v) => [v >> 8, v & 0xff])]);
const mbap = (tid: number, pdu: Buffer) => Buffer.concat([Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, pdu.length + 1, 1]), pdu]);
const settled = <T>(p: Promise<T>) => p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));

describe('Modbus master over TCP: a reply counts only with its own transaction id, within its timeout', () => {
  it('discards a late reply to a timed-out request and answers the next request only with its own', async () => {
    const { link, master, discarded, clock } = rig({ kind: 'tcp' });
    const first = settled(master.readHoldingRegisters(0, 2, 'a'));
    (clock as ManualClock).advance(101);
    expect(await first).toMatchObject({ ok: false, e: { code: 'REQUEST_TIMEOUT', field: 'a' } });
    const second = settled(master.readHoldingRegisters(0, 2, 'b'));
    const [tid1, tid2] = link.written.map((f) => f.readUInt16BE(0));
    expect(tid2).not.toBe(tid1);
    link.feed(mbap(tid1, readPdu([0xdead, 0xbeef]))); // the first request's reply, late
    link.feed(mbap(tid2, readPdu([1, 2])));
    expect(await second).toEqual({ ok: true, v: [1, 2] });
    expect(discarded).toEqual(['late']);
  });

  it('does not count a reply with the right id that is older than the timeout when it is read (a late timer)', async () => {
    const lazy = { t: 0, nowMs: () => lazy.t, epochMs: () => lazy.t, setTimeout: () => ({ cancel() {} }), setInterval: () => ({ cancel() {} }) };
    const { link, master, discarded } = rig({ kind: 'tcp' }, lazy);
    const p = settled(master.readHoldingRegisters(0, 2, 'a'));
    lazy.t = 150; // the event loop was busy: the timeout timer has not run yet
    link.feed(mbap(link.written[0].readUInt16BE(0), readPdu([1, 2])));
    expect(await p).toMatchObject({ ok: false, e: { code: 'REQUEST_TIMEOUT' } });
    expect(discarded).toEqual(['late']);
    expect(master.lastReplyMs).toBeUndefined();
  });

  it('rejects a reply with its id but the wrong shape as malformed', async () => {
    const { link, master } = rig({ kind: 'tcp' });
    const p = settled(master.readHoldingRegisters(0, 3, 'a'));
    link.feed(mbap(link.written[0].readUInt16BE(0), readPdu([1, 2]))); // two registers for a read of three
    expect(await p).toMatchObject({ ok: false, e: { code: 'FRAME_MALFORMED' } });
  });
});

describe('Modbus master over RTU: no ids, so a fence write puts the line back in step after a lost reply', () => {
  const rtu: ModbusFraming = { kind: 'rtu', baudRate: 115200 };
  const pduOf = (frame: Buffer) => frame.subarray(1, frame.length - 2);

  it('after a timeout sends a fence, discards the late reply, and attributes a reply only after the fence echo', async () => {
    const { link, master, discarded, clock } = rig(rtu);
    const c = clock as ManualClock;
    const first = settled(master.readHoldingRegisters(0, 2, 'a'));
    await flush();
    c.advance(101);
    expect(await first).toMatchObject({ ok: false, e: { code: 'REQUEST_TIMEOUT' } });
    const second = settled(master.readHoldingRegisters(0, 2, 'b'));
    await flush();
    expect(link.written).toHaveLength(2);
    const fence = link.written[1];
    expect([...pduOf(fence)]).toEqual([0x06, 0, 27, 0, 101]); // write watchdog := a value never sent before
    link.feed(encodeRtu(1, readPdu([0xdead, 0xbeef]))); // the first read's reply, late: same shape as the second's
    expect(link.written).toHaveLength(2); // not taken as anything; the read is not sent yet
    link.feed(fence); // the fence echo (a single write's reply echoes it exactly)
    c.advance(rtuSilenceMs(115200));
    await flush();
    expect(link.written).toHaveLength(3);
    link.feed(encodeRtu(1, readPdu([1, 2])));
    expect(await second).toEqual({ ok: true, v: [1, 2] });
    expect(discarded).toEqual(['late']);
  });

  it('an echo of an earlier fence does not put the line in step', async () => {
    const { link, master, clock } = rig(rtu);
    const c = clock as ManualClock;
    const a = settled(master.readHoldingRegisters(0, 2, 'a'));
    await flush();
    c.advance(101);
    await a;
    const b = settled(master.readHoldingRegisters(0, 2, 'b'));
    await flush();
    c.advance(101); // the first fence times out too
    expect(await b).toMatchObject({ ok: false, e: { code: 'REQUEST_TIMEOUT' } });
    const d = settled(master.readHoldingRegisters(0, 2, 'c'));
    await flush();
    const [, oldFence, newFence] = link.written;
    link.feed(oldFence); // late echo of fence 101 while fence 102 is in flight
    c.advance(5);
    await flush();
    expect(link.written).toHaveLength(3);
    link.feed(newFence);
    c.advance(2);
    await flush();
    link.feed(encodeRtu(1, readPdu([7, 8])));
    expect(await d).toEqual({ ok: true, v: [7, 8] });
  });

  it('drops a damaged frame and every byte until t3.5 of silence, then fences before the next request', async () => {
    const { link, master, clock } = rig(rtu);
    const c = clock as ManualClock;
    const a = settled(master.readHoldingRegisters(0, 2, 'a'));
    await flush();
    const good = encodeRtu(1, readPdu([1, 2]));
    const bad = Buffer.from(good);
    bad[4] ^= 0xff;
    link.feed(bad);
    expect(await a).toMatchObject({ ok: false, e: { code: 'FRAME_CRC' } });
    const b = settled(master.readHoldingRegisters(0, 2, 'b'));
    c.advance(1); // less than t3.5 since the damaged bytes
    link.feed(good); // keeps the line busy: dropped, and the silence starts again
    c.advance(1);
    await flush();
    expect(link.written).toHaveLength(1);
    c.advance(2);
    await flush();
    expect(link.written).toHaveLength(2);
    expect(link.written[1][1]).toBe(0x06); // the fence first
    link.feed(link.written[1]);
    c.advance(2);
    await flush();
    link.feed(encodeRtu(1, readPdu([3, 4])));
    expect(await b).toEqual({ ok: true, v: [3, 4] });
  });

  it('t3.5 is 1.75 ms above 19200 baud and 3.5 eleven-bit characters at or below it', () => {
    expect(rtuSilenceMs(115200)).toBe(1.75);
    expect(rtuSilenceMs(38400)).toBe(1.75);
    expect(rtuSilenceMs(9600)).toBeCloseTo(4.0104, 4); // 3.5 × 11 bit / 9600 bit/s
  });
});
