import { describe, expect, it } from 'vitest';
import { crc16Ccitt } from '../../src/protocol/crc16.js';
import { FrameDecoder, encodeFrame, type DecodeResult } from '../../src/protocol/frame-codec.js';

// Hand-annotated vectors from docs/protocols/framing.md (framing v2, u32 sequence number). The CRCs
// come from test/fixtures/protocol/frame_vectors.py (a bitwise CRC written from the document),
// whose output is committed beside it as frame_vectors.txt.
//
// MLC STATUS request, seq 7, no payload:
//   a5 5a         sync
//   05 00         len = 5 (seq 4 + cmd 1), little-endian
//   07 00 00 00   seq = 7, u32 little-endian
//   06            cmd STATUS
//   7b 8f         CRC-16/CCITT-FALSE over 05 00 07 00 00 00 06 = 0x8f7b, little-endian
const STATUS_REQUEST_SEQ7 = 'a55a05000700000006' + '7b8f';
// MLC HEARTBEAT request, seq 0x01020304 (more than 8 bits), counter 300:
//   a5 5a | 09 00 (len 9) | 04 03 02 01 (seq) | 07 (HEARTBEAT) | 2c 01 00 00 (u32 300) | 89 f7 (CRC)
const HEARTBEAT_SEQ_01020304 = 'a55a0900' + '04030201' + '07' + '2c010000' + '89f7';
// NAK to a short MLC HEARTBEAT, seq 258 = 0x102:
//   a5 5a | 07 00 (len 7) | 02 01 00 00 (seq) | 7f (NAK) | 07 02 (request cmd, reason 2 bad payload) | 76 c1
const NAK_SHORT_HEARTBEAT_SEQ258 = 'a55a0700' + '02010000' + '7f' + '0702' + '76c1';
// Beam HEARTBEAT reply at the top of the sequence range, seq 0xffffffff, cmd 0x18 | 0x80:
//   a5 5a | 05 00 | ff ff ff ff | 98 | 48 57
const BEAM_HEARTBEAT_REPLY_SEQ_MAX = 'a55a0500' + 'ffffffff' + '98' + '4857';

const oks = (out: DecodeResult[]) => out.filter((r) => r.ok).map((r) => (r.ok ? r.frame : undefined));
const codes = (out: DecodeResult[]) => out.flatMap((r) => (r.ok ? [] : [r.error.code]));
const good = (seq: number) => encodeFrame({ seq, cmd: 0x06, payload: Buffer.alloc(0) });

describe('CRC-16/CCITT-FALSE', () => {
  it('gives the standard check value 0x29B1 for "123456789"', () => {
    expect(crc16Ccitt(Buffer.from('123456789', 'ascii'))).toBe(0x29b1);
  });
});

describe('frame codec: byte layout (framing v2)', () => {
  it('encodes a status request exactly as the protocol document lays it out', () => {
    expect(encodeFrame({ seq: 7, cmd: 0x06, payload: Buffer.alloc(0) }).toString('hex')).toBe(STATUS_REQUEST_SEQ7);
  });

  it('carries a 32-bit sequence number, little-endian, so a reply 256 requests old no longer matches', () => {
    expect(encodeFrame({ seq: 0x01020304, cmd: 0x07, payload: Buffer.from('2c010000', 'hex') }).toString('hex')).toBe(HEARTBEAT_SEQ_01020304);
    expect(encodeFrame({ seq: 0xffffffff, cmd: 0x98, payload: Buffer.alloc(0) }).toString('hex')).toBe(BEAM_HEARTBEAT_REPLY_SEQ_MAX);
    const [a, b] = new FrameDecoder().push(Buffer.concat([good(1), good(257)]));
    expect([a.ok && a.frame.seq, b.ok && b.frame.seq]).toEqual([1, 257]);
  });

  it('decodes the hand-written vectors back to their fields', () => {
    const out = new FrameDecoder().push(Buffer.from(HEARTBEAT_SEQ_01020304 + NAK_SHORT_HEARTBEAT_SEQ258, 'hex'));
    expect(oks(out)).toEqual([
      { seq: 0x01020304, cmd: 0x07, payload: Buffer.from('2c010000', 'hex') },
      { seq: 258, cmd: 0x7f, payload: Buffer.from([0x07, 0x02]) },
    ]);
  });

  it('decodes a frame split across many chunks', () => {
    const bytes = encodeFrame({ seq: 200, cmd: 0x05, payload: Buffer.from([1, 2, 3, 4]) });
    const d = new FrameDecoder();
    const out = [...bytes].flatMap((b) => d.push(Buffer.from([b])));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ ok: true, frame: { seq: 200, cmd: 5, payload: Buffer.from([1, 2, 3, 4]) } });
  });

  it('refuses to encode a payload longer than the protocol allows', () => {
    expect(() => encodeFrame({ seq: 1, cmd: 1, payload: Buffer.alloc(2000) })).toThrowError(expect.objectContaining({ code: 'INPUT_INVALID', field: 'payload.length' }));
  });

  it('refuses to encode a sequence number outside u32', () => {
    expect(() => encodeFrame({ seq: 2 ** 32, cmd: 1, payload: Buffer.alloc(0) })).toThrowError(expect.objectContaining({ code: 'INPUT_INVALID', field: 'seq' }));
    expect(() => encodeFrame({ seq: -1, cmd: 1, payload: Buffer.alloc(0) })).toThrowError(expect.objectContaining({ code: 'INPUT_INVALID', field: 'seq' }));
  });

  it('rejects a frame of the old 8-bit-sequence layout (len 2) as malformed, not as a frame', () => {
    // framing v1: a5 5a | 02 00 | 07 | 06 | crc over 02 00 07 06
    const crc = crc16Ccitt(Buffer.from('02000706', 'hex'));
    const v1 = Buffer.from([0xa5, 0x5a, 0x02, 0x00, 0x07, 0x06, crc & 0xff, crc >> 8]);
    const out = new FrameDecoder().push(v1);
    expect(oks(out)).toEqual([]);
    expect(codes(out)).toContain('FRAME_MALFORMED');
  });
});

describe('frame codec: bad bytes and resynchronisation', () => {
  it('rejects a frame with a corrupted byte as FRAME_CRC and still decodes the next frame', () => {
    const bad = encodeFrame({ seq: 1, cmd: 0x06, payload: Buffer.from([9, 9]) });
    bad[9] ^= 0xff;
    const out = new FrameDecoder().push(Buffer.concat([bad, good(2)]));
    expect(out.map((r) => r.ok)).toEqual([false, true]);
    expect(out[0].ok === false && out[0].error).toMatchObject({ code: 'FRAME_CRC', field: 'crc' });
  });

  it('reports junk before a frame as one FRAME_MALFORMED discard, keeping the frame', () => {
    const out = new FrameDecoder().push(Buffer.concat([Buffer.from([0x00, 0x11, 0xa5]), good(3)]));
    expect(out).toHaveLength(2);
    expect(out[0].ok === false && out[0].error.code).toBe('FRAME_MALFORMED');
    expect(out[1].ok).toBe(true);
  });

  it('rejects an impossible length field and resynchronises', () => {
    const out = new FrameDecoder().push(Buffer.concat([Buffer.from([0xa5, 0x5a, 0xff, 0xff]), good(4)]));
    expect(out.find((r) => !r.ok)).toMatchObject({ error: { code: 'FRAME_MALFORMED', field: 'len' } });
    expect(oks(out)).toHaveLength(1);
  });

  it('hands out the next good frame as soon as it is complete after a false header (a5 5a ff 03)', () => {
    // len 0x03ff = 1023 is a possible length: the old decoder waited for 1029 bytes, 12 s of heartbeats.
    const d = new FrameDecoder();
    expect(oks(d.push(Buffer.from('a55aff03', 'hex')))).toEqual([]);
    const out = d.push(good(5));
    expect(oks(out).map((f) => f?.seq)).toEqual([5]);
    expect(codes(out)).toEqual(['FRAME_MALFORMED']);
    expect(d.pendingBytes).toBe(0);
  });

  it('does not swallow a good frame behind a false header whose length covers it (bad CRC)', () => {
    // a5 5a 0c 00 claims 12 bytes of body: the 11-byte frame behind it plus one more; its CRC fails.
    const bytes = Buffer.concat([Buffer.from('a55a0c00', 'hex'), good(6), good(7), good(8)]);
    const atOnce = new FrameDecoder().push(bytes);
    expect(oks(atOnce).map((f) => f?.seq)).toEqual([6, 7, 8]);
    const d = new FrameDecoder();
    const byteByByte = [...bytes].flatMap((b) => d.push(Buffer.from([b])));
    expect(oks(byteByByte).map((f) => f?.seq)).toEqual([6, 7, 8]);
  });

  it('drops a frame torn off mid-payload (a device reset) and keeps every frame after it', () => {
    const long = encodeFrame({ seq: 1, cmd: 0x85, payload: Buffer.alloc(241, 0x11) }); // a 60-pair READ_POSITIONS reply
    const bytes = Buffer.concat([long.subarray(0, 40), good(11), good(12), long, good(13)]);
    const d = new FrameDecoder();
    const out = [...bytes].flatMap((b) => d.push(Buffer.from([b])));
    expect(oks(out).map((f) => f?.seq)).toEqual([11, 12, 1, 13]);
    expect(codes(out)).toEqual(['FRAME_MALFORMED']);
  });
});
