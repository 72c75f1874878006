/**
 * Byte-stream framing shared by the MLC controller and beam links
 * (docs/protocols/framing.md):
 *
 *   A5 5A | len u16 LE | seq u8 | cmd u8 | payload (len - 2 bytes) | crc u16 LE
 *
 * `len` counts seq + cmd + payload; the CRC-16/CCITT-FALSE covers len..payload.
 * Pure: no I/O, no clock. Bad bytes become typed "discarded" results, never throws.
 */
import { BridgeError } from '../core/bridge-error.js';
import { crc16Ccitt } from './crc16.js';

export const SYNC0 = 0xa5;
export const SYNC1 = 0x5a;
export const HEADER_BYTES = 4; // sync0 sync1 len(2)
export const CRC_BYTES = 2;
export const MAX_PAYLOAD_BYTES = 1024;

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
  const len = 2 + frame.payload.length;
  const buf = Buffer.alloc(HEADER_BYTES + len + CRC_BYTES);
  buf[0] = SYNC0;
  buf[1] = SYNC1;
  buf.writeUInt16LE(len, 2);
  buf[4] = frame.seq & 0xff;
  buf[5] = frame.cmd & 0xff;
  frame.payload.copy(buf, 6);
  buf.writeUInt16LE(crc16Ccitt(buf, 2, HEADER_BYTES + len), HEADER_BYTES + len);
  return buf;
}

/** Incremental decoder: push bytes as they arrive, get whole frames or discards out. */
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
    const start = this.findSync();
    if (start < 0) {
      // Keep a trailing SYNC0 in case its partner is in the next chunk.
      const keep = this.buf.length && this.buf[this.buf.length - 1] === SYNC0 ? 1 : 0;
      const junk = this.buf.subarray(0, this.buf.length - keep);
      this.buf = this.buf.subarray(this.buf.length - keep);
      return junk.length ? discard('FRAME_MALFORMED', 'bytes outside a frame', junk) : undefined;
    }
    if (start > 0) {
      const junk = this.buf.subarray(0, start);
      this.buf = this.buf.subarray(start);
      return discard('FRAME_MALFORMED', 'bytes outside a frame', junk);
    }
    if (this.buf.length < HEADER_BYTES) return undefined;
    const len = this.buf.readUInt16LE(2);
    if (len < 2 || len > MAX_PAYLOAD_BYTES + 2) {
      const raw = this.buf.subarray(0, HEADER_BYTES);
      this.buf = this.buf.subarray(1); // resync after this sync byte
      return discard('FRAME_MALFORMED', 'length field out of range', raw, { field: 'len', actual: len, limit: `2..${MAX_PAYLOAD_BYTES + 2}` });
    }
    const total = HEADER_BYTES + len + CRC_BYTES;
    if (this.buf.length < total) return undefined;
    const raw = Buffer.from(this.buf.subarray(0, total));
    const expected = crc16Ccitt(raw, 2, HEADER_BYTES + len);
    const actual = raw.readUInt16LE(HEADER_BYTES + len);
    if (expected !== actual) {
      this.buf = this.buf.subarray(total); // one bad frame is one discard; resync at the next sync pattern
      return discard('FRAME_CRC', 'CRC mismatch', raw, { field: 'crc', actual: hex(actual), limit: hex(expected) });
    }
    this.buf = this.buf.subarray(total);
    return { ok: true, frame: { seq: raw[4], cmd: raw[5], payload: raw.subarray(6, HEADER_BYTES + len) } };
  }

  private findSync(): number {
    for (let i = 0; i + 1 < this.buf.length; i++) if (this.buf[i] === SYNC0 && this.buf[i + 1] === SYNC1) return i;
    return -1;
  }
}

const hex = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

function discard(code: 'FRAME_CRC' | 'FRAME_MALFORMED', summary: string, raw: Buffer, detail: { field?: string; actual?: string | number; limit?: string | number } = {}): DecodeResult {
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
