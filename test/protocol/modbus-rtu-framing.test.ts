import { describe, expect, it } from 'vitest';
import { RTU_MAX_ADU_BYTES, endRtuFrameAtSilence, rtuRequestLength, rtuSilenceMs, splitRtuRequests } from '../../src/protocol/modbus-rtu-framing.js';

// Vectors from test/fixtures/protocol/frame_vectors.txt (CRC-16/MODBUS computed independently).
const POLL = Buffer.from('01030000001ec5c2', 'hex'); // unit 1, read 30 registers from 0
const USER_FN_41 = Buffer.from('01410001900c', 'hex');

describe('Modbus RTU request framing (Modbus over Serial Line V1.02 §2.5.1.1)', () => {
  it('takes t3.5 as 3.5 characters of 11 bits, and 1.75 ms above 19 200 baud', () => {
    expect(rtuSilenceMs(9600)).toBeCloseTo((3.5 * 11 * 1000) / 9600, 9); // 4.01 ms
    expect(rtuSilenceMs(19_200)).toBeCloseTo(2.005, 3);
    expect(rtuSilenceMs(38_400)).toBe(1.75);
    expect(rtuSilenceMs(115_200)).toBe(1.75);
  });

  it('knows request lengths from the function code and the byte count (Modbus Application Protocol V1.1b3 §6)', () => {
    expect(rtuRequestLength(Buffer.from('0104', 'hex'))).toBe(8);
    expect(rtuRequestLength(Buffer.from('01100000000204', 'hex'))).toBe(13); // 9 + byte count 4
    expect(rtuRequestLength(Buffer.from('0117000000010000000102', 'hex'))).toBe(15); // 13 + byte count 2
    expect(rtuRequestLength(Buffer.from('01100000', 'hex'))).toBeUndefined();
    expect(rtuRequestLength(Buffer.from('0141', 'hex'))).toBe('unknown');
  });

  it('hunts byte by byte past a request with a bad CRC to the good one inside the bytes held', () => {
    const bad = Buffer.from(POLL);
    bad[6] ^= 0xff;
    const s = splitRtuRequests(Buffer.concat([bad.subarray(0, 5), POLL]));
    expect(s.frames).toEqual([{ unitId: 1, pdu: POLL.subarray(1, 6) }]);
    expect(s.rest).toHaveLength(0);
    expect(s.discarded).toBe(1);
  });

  it('holds a frame of unknown length until the silence, which then delimits it', () => {
    const s = splitRtuRequests(USER_FN_41);
    expect(s.frames).toEqual([]);
    expect(s.rest).toEqual(USER_FN_41);
    expect(endRtuFrameAtSilence(s.rest)).toEqual({ frame: { unitId: 1, pdu: Buffer.from('410001', 'hex') }, discarded: 0 });
  });

  it('discards at the silence whatever does not carry a good CRC', () => {
    expect(endRtuFrameAtSilence(POLL.subarray(0, 7))).toEqual({ discarded: 1 });
  });

  it('never holds more bytes than the longest RTU frame', () => {
    const s = splitRtuRequests(Buffer.alloc(1000, 0xff));
    expect(s.rest.length).toBeLessThanOrEqual(RTU_MAX_ADU_BYTES);
  });
});
