/**
 * Byte-stream framing shared by the MLC controller and beam links
 * (docs/protocols/framing.md, framing v2):
 *
 *   A5 5A | len u16 LE | seq u32 LE | cmd u8 | payload (len - 5 bytes) | crc u16 LE
 *
 * `len` counts seq + cmd + payload; the CRC-16/CCITT-FALSE covers len..payload.
 * Pure: no I/O, no clock. Bad bytes become typed "discarded" results, never throws.
 */
import { BridgeError } from '../core/bridge-error.js';
import { crc16Ccitt } from './crc16.js';

export const SYNC0 = 0xa5;
export const SYNC1 = 0x5a;
export const HEADER_BYTES = 4; // sync0 sync1 len(2)
export const SEQ_BYTES = 4;
export const CRC_BYTES = 2;
export const MAX_PAYLOAD_BYTES = 1024;
/** Smallest and largest `len`: seq + cmd, plus at most MAX_PAYLOAD_BYTES. */
export const MIN_LEN = SEQ_BYTES + 1;
export const MAX_LEN = MIN_LEN + MAX_PAYLOAD_BYTES;
/** Sequence numbers are u32: the client counts 1, 2, … and wraps after 2^32 − 1 requests. */
export const MAX_SEQ = 0xffffffff;

export interface Frame {
  readonly seq: number;
  readonly cmd: number;
  readonly payload: Buffer;
}

export type DecodeResult = { readonly ok: true; readonly frame: Frame } | { readonly ok: false; readonly error: BridgeError; readonly raw: Buffer };

export function encodeFrame(frame: Frame): Buffer {
  if (frame.payload.length > MAX_PAYLOAD_BYTES) {
    throw new BridgeError('INPUT_INVALID', 'payload too long', { field: 'payload.length', actual: frame.payload.length, limit: MAX_PAYLOAD_BYTES, unit: 'bytes' });
  }
  if (!Number.isInteger(frame.seq) || frame.seq < 0 || frame.seq > MAX_SEQ) {
    throw new BridgeError('INPUT_INVALID', 'sequence number outside u32', { field: 'seq', actual: frame.seq, limit: `0..${MAX_SEQ}` });
  }
  const len = MIN_LEN + frame.payload.length;
  const buf = Buffer.alloc(HEADER_BYTES + len + CRC_BYTES);
  buf[0] = SYNC0;
  buf[1] = SYNC1;
  buf.writeUInt16LE(len, 2);
  buf.writeUInt32LE(frame.seq, 4);
  buf[8] = frame.cmd & 0xff;
  frame.payload.copy(buf, 9);
  buf.writeUInt16LE(crc16Ccitt(buf, 2, HEADER_BYTES + len), HEADER_BYTES + len);
  return buf;
}

/**
 * Incremental decoder: push bytes as they arrive, get whole frames or discards out.
 *
 * Resynchronisation (framing.md): after a bad length or CRC the decoder drops only the bytes up to
 * the next `A5 5A` after the bad frame's first byte and tries again there, so a frame that starts
 * inside a false header's span is still found. While a frame is incomplete it also looks for a
 * complete, CRC-valid frame at a later sync pattern in the bytes it holds: if there is one, the
 * incomplete one was a false header (injected bytes, a torn frame) and is dropped, so garbage never
 * holds back the good frames behind it.
 */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): DecodeResult[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const out: DecodeResult[] = [];
    for (;;) {
      const r = this.next();
      if (!r) break;
      out.push(r);
    }
    return out;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.buf.length;
  }

  private next(): DecodeResult | undefined {
    const start = findSync(this.buf, 0);
    if (start !== 0) return this.dropTo(start, 'FRAME_MALFORMED', 'bytes outside a frame');
    if (this.buf.length < HEADER_BYTES) return undefined;
    const len = this.buf.readUInt16LE(2);
    if (len < MIN_LEN || len > MAX_LEN) {
      return this.dropTo(findSync(this.buf, 1), 'FRAME_MALFORMED', 'length field out of range', { field: 'len', actual: len, limit: `${MIN_LEN}..${MAX_LEN}` });
    }
    const total = HEADER_BYTES + len + CRC_BYTES;
    if (this.buf.length < total) {
      const later = findValidFrame(this.buf, 1);
      return later < 0 ? undefined : this.dropTo(later, 'FRAME_MALFORMED', 'incomplete frame followed by a valid frame', { field: 'len', actual: len });
    }
    const expected = crc16Ccitt(this.buf, 2, HEADER_BYTES + len);
    const actual = this.buf.readUInt16LE(HEADER_BYTES + len);
    if (expected !== actual) {
      return this.dropTo(findSync(this.buf, 1), 'FRAME_CRC', 'CRC mismatch', { field: 'crc', actual: hex(actual), limit: hex(expected) });
    }
    const raw = Buffer.from(this.buf.subarray(0, total));
    this.buf = this.buf.subarray(total);
    return { ok: true, frame: { seq: raw.readUInt32LE(4), cmd: raw[8], payload: raw.subarray(9, HEADER_BYTES + len) } };
  }

  /** Discards the bytes before `end` (-1: all but a trailing SYNC0, whose partner may be in the next chunk). */
  private dropTo(end: number, code: 'FRAME_CRC' | 'FRAME_MALFORMED', summary: string, detail: Detail = {}): DecodeResult | undefined {
    const cut = end >= 0 ? end : this.buf.length - (this.buf[this.buf.length - 1] === SYNC0 ? 1 : 0);
    const junk = this.buf.subarray(0, cut);
    this.buf = this.buf.subarray(cut);
    return junk.length ? discard(code, summary, junk, detail) : undefined;
  }
}

type Detail = { field?: string; actual?: string | number; limit?: string | number };

function findSync(buf: Buffer, from: number): number {
  for (let i = from; i + 1 < buf.length; i++) if (buf[i] === SYNC0 && buf[i + 1] === SYNC1) return i;
  return -1;
}

/** Offset of the first complete frame with a good CRC at or after `from`, or -1. */
function findValidFrame(buf: Buffer, from: number): number {
  for (let i = findSync(buf, from); i >= 0; i = findSync(buf, i + 1)) {
    if (buf.length - i < HEADER_BYTES + MIN_LEN + CRC_BYTES) return -1;
    const len = buf.readUInt16LE(i + 2);
    const end = i + HEADER_BYTES + len;
    if (len < MIN_LEN || len > MAX_LEN || end + CRC_BYTES > buf.length) continue;
    if (crc16Ccitt(buf, i + 2, end) === buf.readUInt16LE(end)) return i;
  }
  return -1;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

function discard(code: 'FRAME_CRC' | 'FRAME_MALFORMED', summary: string, raw: Buffer, detail: Detail): DecodeResult {
  return { ok: false, error: new BridgeError(code, summary, detail), raw: Buffer.from(raw) };
}

/** Response command code for a request: high bit set. NAK is its own command. */
export const replyCmd = (cmd: number): number => cmd | 0x80;
export const CMD_NAK = 0x7f;

export enum NakReason {
  UnknownCommand = 1,
  BadPayload = 2,
  NotAllowedInState = 3,
  OutOfRange = 4,
}

export function encodeNak(requestCmd: number, reason: NakReason): Buffer {
  return Buffer.from([requestCmd & 0xff, reason]);
}

export function decodeNak(payload: Buffer): { requestCmd: number; reason: NakReason } | undefined {
  return payload.length === 2 ? { requestCmd: payload[0], reason: payload[1] as NakReason } : undefined;
}
