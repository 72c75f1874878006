import { describe, expect, it } from 'vitest';
import { crc16Ccitt } from '../../src/protocol/crc16.js';
import { FrameDecoder, encodeFrame } from '../../src/protocol/frame-codec.js';

// Hand-annotated vector from docs/protocols/framing.md: MLC STATUS request, seq 7, no payload.
//   a5 5a   sync
//   02 00   len = 2 (seq + cmd), little-endian
//   07      seq
//   06      cmd STATUS
//   xx xx   CRC-16/CCITT-FALSE over 02 00 07 06, little-endian
const STATUS_REQUEST_SEQ7 = Buffer.from('a55a02000706', 'hex');

describe('CRC-16/CCITT-FALSE', () => {
  it('gives the standard check value 0x29B1 for "123456789"', () => {
    expect(crc16Ccitt(Buffer.from('123456789', 'ascii'))).toBe(0x29b1);
  });
});

describe('frame codec', () => {
  it('encodes a status request exactly as the protocol document lays it out', () => {
    const crc = crc16Ccitt(Buffer.from('02000706', 'hex'));
    const expected = Buffer.concat([STATUS_REQUEST_SEQ7, Buffer.from([crc & 0xff, crc >> 8])]);
    expect(encodeFrame({ seq: 7, cmd: 0x06, payload: Buffer.alloc(0) })).toEqual(expected);
  });

  it('decodes a frame split across many chunks', () => {
    const bytes = encodeFrame({ seq: 200, cmd: 0x05, payload: Buffer.from([1, 2, 3, 4]) });
    const d = new FrameDecoder();
    const out = [...bytes].flatMap((b) => d.push(Buffer.from([b])));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ ok: true, frame: { seq: 200, cmd: 5, payload: Buffer.from([1, 2, 3, 4]) } });
  });

  it('rejects a frame with a corrupted byte as FRAME_CRC and still decodes the next frame', () => {
    const bad = encodeFrame({ seq: 1, cmd: 0x06, payload: Buffer.from([9, 9]) });
    bad[6] ^= 0xff;
    const good = encodeFrame({ seq: 2, cmd: 0x06, payload: Buffer.alloc(0) });
    const out = new FrameDecoder().push(Buffer.concat([bad, good]));
    expect(out.map((r) => r.ok)).toEqual([false, true]);
    expect(out[0].ok === false && out[0].error.code).toBe('FRAME_CRC');
    expect(out[0].ok === false && out[0].error.field).toBe('crc');
  });

  it('reports junk before a frame as one FRAME_MALFORMED discard, keeping the frame', () => {
    const good = encodeFrame({ seq: 3, cmd: 0x01, payload: Buffer.alloc(0) });
    const out = new FrameDecoder().push(Buffer.concat([Buffer.from([0x00, 0x11, 0xa5]), good]));
    expect(out).toHaveLength(2);
    expect(out[0].ok === false && out[0].error.code).toBe('FRAME_MALFORMED');
    expect(out[1].ok).toBe(true);
  });

  it('rejects an impossible length field and resynchronises', () => {
    const good = encodeFrame({ seq: 4, cmd: 0x01, payload: Buffer.alloc(0) });
    const out = new FrameDecoder().push(Buffer.concat([Buffer.from([0xa5, 0x5a, 0xff, 0xff]), good]));
    const errors = out.filter((r) => !r.ok);
    expect(errors[0].ok === false && errors[0].error).toMatchObject({ code: 'FRAME_MALFORMED', field: 'len' });
    expect(out.filter((r) => r.ok)).toHaveLength(1);
  });

  it('refuses to encode a payload longer than the protocol allows', () => {
    expect(() => encodeFrame({ seq: 1, cmd: 1, payload: Buffer.alloc(2000) })).toThrowError(expect.objectContaining({ code: 'INPUT_INVALID', field: 'payload.length' }));
  });
});
