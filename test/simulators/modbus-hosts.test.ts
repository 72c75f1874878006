import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { CouchReg } from '../../src/protocol/couch-register-map.js';
import { CouchDevice } from '../../simulators/couch-device.js';
import type { ModbusHost } from '../../simulators/modbus-host.js';
import { ModbusRtuHost } from '../../simulators/modbus-rtu-host.js';
import { ModbusTcpHost } from '../../simulators/modbus-tcp-host.js';
import { byteWire } from '../helpers/byte-wire.js';
import { simOptions } from '../helpers/sim-fixtures.js';

// Byte vectors from test/fixtures/protocol/frame_vectors.txt (CRC-16/MODBUS computed bit by bit by
// frame_vectors.py from Modbus over Serial Line V1.02, not by the codec under test).
const POLL = '01030000001ec5c2'; // unit 1, fc 03, address 0, 30 registers
const READ_INPUT = '01040000000131ca'; // unit 1, fc 04 (the couch has no input registers)
const EXC_01_TO_04 = '01840182c0'; // unit 1, fc 04 | 0x80, exception 01 illegal function
const USER_FN_41 = '01410001900c'; // unit 1, fc 0x41 with 2 data bytes: length unknown to the server
const EXC_01_TO_41 = '01c101b050';
const BCAST_WRITE_MOVE_ID = '0006001c123444aa'; // unit 0, fc 06, register 28 = 0x1234
const BCAST_READ = '0003001c0001441d'; // unit 0, fc 03, register 28
const READ_126 = '01030000007ec5ea'; // quantity 126 > 125
const EXC_03_TO_03 = '0183030131';
const TCP_UNIT_FF = '000900000006ff0300190001'; // tid 9, unit 0xff, fc 03, register 25
const TCP_UNIT_00 = '000a00000006000300190001'; // tid 10, unit 0

const hex = (s: string) => Buffer.from(s, 'hex');

/** The simulator's replies, one hex string per write. */
function wire(host: ModbusHost) {
  const replies: string[] = [];
  return { send: byteWire(host.host, (b) => replies.push(b.toString('hex'))).send, replies };
}

function rtuRig() {
  const clock = new ManualClock();
  const device = new CouchDevice(simOptions.couch);
  const host = new ModbusRtuHost(device, 1, { clock, baudRate: 115_200 });
  return { clock, device, host, ...wire(host) };
}

describe('couch simulator over Modbus RTU: frames end at a 3.5-character silence', () => {
  it('answers every request after 7 noise bytes once a silence has ended them', () => {
    const { clock, send, replies } = rtuRig();
    send(hex(POLL.slice(0, 14))); // 7 bytes: a poll torn by a glitch on the line
    clock.advance(5); // > t3.5 = 1.75 ms at 115 200 baud
    for (let i = 0; i < 40; i++) {
      send(hex(POLL));
      clock.advance(5);
    }
    expect(replies).toHaveLength(40);
    expect(replies.every((r) => r.startsWith('01033c'))).toBe(true); // unit 1, fc 03, 60 bytes
  });

  it('ends a frame at the silence even when the next bytes come before any timer runs', () => {
    const { clock, send, replies, host } = rtuRig();
    send(hex('01100000')); // the start of a write-multiple: its length is not yet known
    clock.advance(0.5);
    send(hex('00')); // still inside the frame (0.5 ms < t3.5)
    expect(host.stats.dropped).toBe(0);
    clock.advance(3);
    send(hex(POLL));
    expect(replies).toHaveLength(1);
    expect(host.stats.dropped).toBe(1);
  });

  it('finds a request that follows noise in the same chunk (no silence between them)', () => {
    const { send, replies } = rtuRig();
    send(Buffer.concat([hex('ff0003'), hex(POLL)]));
    expect(replies).toHaveLength(1);
  });

  it('answers an unsupported function code with exception 01 (illegal function)', () => {
    const { clock, send, replies } = rtuRig();
    send(hex(READ_INPUT));
    expect(replies).toEqual([EXC_01_TO_04]);
    send(hex(USER_FN_41)); // no length rule for 0x41: the silence delimits it
    expect(replies).toHaveLength(1);
    clock.advance(2);
    expect(replies).toEqual([EXC_01_TO_04, EXC_01_TO_41]);
  });

  it('answers a read of more than 125 registers with exception 03 (illegal data value)', () => {
    const { send, replies } = rtuRig();
    send(hex(READ_126));
    expect(replies).toEqual([EXC_03_TO_03]);
  });

  it('executes a broadcast write (unit 0) without answering it', () => {
    const { clock, send, replies, device, host } = rtuRig();
    send(hex(BCAST_WRITE_MOVE_ID));
    clock.advance(5);
    expect(replies).toEqual([]);
    expect(device.read(CouchReg.moveId, 1)).toEqual([0x1234]);
    expect(host.stats).toMatchObject({ broadcasts: 1, replies: 0 });
  });

  it('neither answers nor counts as executed a broadcast read', () => {
    const { clock, send, replies, host } = rtuRig();
    send(hex(BCAST_READ));
    clock.advance(5);
    expect(replies).toEqual([]);
    expect(host.stats).toMatchObject({ broadcasts: 0, replies: 0 });
  });

  it('does not answer a request with a bad CRC', () => {
    const { clock, send, replies } = rtuRig();
    const bad = hex(POLL);
    bad[7] ^= 0x01;
    send(bad);
    clock.advance(5);
    expect(replies).toEqual([]);
  });
});

describe('couch simulator over Modbus TCP: unit ids that address the server itself', () => {
  it.each([
    ['0xFF', TCP_UNIT_FF, '0009', 'ff'],
    ['0', TCP_UNIT_00, '000a', '00'],
  ])('answers unit id %s, echoing the unit id and transaction id', (_name, request, tid, unit) => {
    const host = new ModbusTcpHost(new CouchDevice(simOptions.couch), 1);
    const { send, replies } = wire(host);
    send(hex(request));
    expect(replies).toHaveLength(1);
    // tid | protocol 0000 | length 0005 | unit | fc 03 | byte count 02 | status word
    expect(replies[0].slice(0, 18)).toBe(`${tid}00000005${unit}0302`);
  });

  it('leaves a request for another unit id unanswered', () => {
    const host = new ModbusTcpHost(new CouchDevice(simOptions.couch), 1);
    const { send, replies } = wire(host);
    send(hex('000b00000006020300190001'));
    expect(replies).toEqual([]);
  });

  it('answers an unsupported function code with exception 01', () => {
    const host = new ModbusTcpHost(new CouchDevice(simOptions.couch), 1);
    const { send, replies } = wire(host);
    send(hex('000c00000006010400000001')); // fc 04
    expect(replies).toEqual(['000c000000030184' + '01']);
  });
});
