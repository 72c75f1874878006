/**
 * Server-side framing of Modbus RTU requests. Modbus over Serial Line V1.02 §2.5.1.1: a frame is
 * the bytes between two silences of at least 3.5 character times (t3.5), checked by its CRC.
 * Pure: the host (which has the clock) reports silences by calling `endRtuFrameAtSilence`.
 *
 * Between silences a request is delimited early by the length its function code implies (Modbus
 * Application Protocol V1.1b3 §6), so a good request is answered without waiting for t3.5, and the
 * splitter hunts byte by byte for a request with a good CRC after noise. A function whose request
 * length is unknown is delimited by the silence alone, then answered (exception 01 when the couch
 * does not implement it).
 */
import { crc16Modbus } from './modbus-codec.js';

export interface RtuRequestFrame {
  readonly unitId: number;
  readonly pdu: Buffer;
}

export interface RtuSplit {
  readonly frames: RtuRequestFrame[];
  /** Bytes held for the rest of a frame (or until the silence that ends it). */
  readonly rest: Buffer;
  /** Runs of bytes discarded (noise, a frame with a bad CRC). */
  readonly discarded: number;
}

/** Largest RTU frame: address + 253-byte PDU + CRC (Modbus over Serial Line V1.02 §2.5.1). */
export const RTU_MAX_ADU_BYTES = 256;
const RTU_MIN_ADU_BYTES = 4; // address, function, CRC

/** t3.5 in ms: 3.5 characters of 11 bits, fixed at 1.75 ms above 19 200 baud (V1.02 §2.5.1.1). */
export function rtuSilenceMs(baudRate: number): number {
  return baudRate > 19_200 ? 1.75 : (3.5 * 11 * 1000) / baudRate;
}

/** ADU bytes of a fixed-length request by function code (V1.1b3 §6), CRC included. */
const FIXED_REQUEST_BYTES: Readonly<Record<number, number>> = {
  0x01: 8, 0x02: 8, 0x03: 8, 0x04: 8, 0x05: 8, 0x06: 8, // address + quantity / value
  0x07: 4, 0x0b: 4, 0x0c: 4, 0x11: 4, // no data
  0x08: 8, // diagnostics with one data word
  0x16: 10, // mask write register
  0x18: 6, // read FIFO queue
};
/** Requests with a byte count: [index of the byte count in the ADU, bytes besides the counted ones]. */
const COUNTED_REQUEST: Readonly<Record<number, readonly [number, number]>> = {
  0x0f: [6, 9], 0x10: [6, 9], // write multiple coils / registers
  0x14: [2, 5], 0x15: [2, 5], // read / write file record
  0x17: [10, 13], // read/write multiple registers
};

/** ADU length of the request at the start of `buf`; undefined while too few bytes say; 'unknown' for other functions. */
export function rtuRequestLength(buf: Buffer): number | 'unknown' | undefined {
  if (buf.length < 2) return undefined;
  const fn = buf[1];
  const fixed = FIXED_REQUEST_BYTES[fn];
  if (fixed !== undefined) return fixed;
  if (fn === 0x2b) return buf.length < 3 ? undefined : buf[2] === 0x0e ? 7 : 'unknown'; // read device identification
  const counted = COUNTED_REQUEST[fn];
  if (!counted) return 'unknown';
  return buf.length <= counted[0] ? undefined : counted[1] + buf[counted[0]];
}

const crcOk = (b: Buffer, start: number, end: number): boolean => end - start >= RTU_MIN_ADU_BYTES && crc16Modbus(b, start, end - 2) === b.readUInt16LE(end - 2);

/** Offset ≥ from of the first complete length-delimited request with a good CRC, or -1. */
function findRequest(buf: Buffer, from: number): number {
  for (let i = from; i + RTU_MIN_ADU_BYTES <= buf.length; i++) {
    const len = rtuRequestLength(buf.subarray(i));
    if (typeof len === 'number' && i + len <= buf.length && crcOk(buf, i, i + len)) return i;
  }
  return -1;
}

/** Splits the requests whose end is known before the next silence. */
export function splitRtuRequests(buf: Buffer): RtuSplit {
  const frames: RtuRequestFrame[] = [];
  let discarded = 0;
  let dropping = false;
  let off = 0;
  const take = (to: number, frame?: RtuRequestFrame): void => {
    if (frame) {
      if (dropping) discarded++;
      dropping = false;
      frames.push(frame);
    } else dropping = true;
    off = to;
  };
  while (off < buf.length) {
    const len = rtuRequestLength(buf.subarray(off));
    if (typeof len === 'number' && off + len <= buf.length) {
      if (crcOk(buf, off, off + len)) take(off + len, { unitId: buf[off], pdu: Buffer.from(buf.subarray(off + 1, off + len - 2)) });
      else take(off + 1); // hunt byte by byte: a request may start inside the bad one
      continue;
    }
    // unknown function or incomplete: wait for the silence, unless a good request follows in the bytes held
    const next = findRequest(buf, off + 1);
    if (next < 0) break;
    take(next);
  }
  if (buf.length - off > RTU_MAX_ADU_BYTES) take(buf.length - RTU_MAX_ADU_BYTES); // no frame is longer
  if (dropping && off > 0) discarded++;
  return { frames, rest: Buffer.from(buf.subarray(off)), discarded };
}

/** A silence of t3.5 ended the frame: the bytes held are one frame, taken if its CRC is good, else discarded. */
export function endRtuFrameAtSilence(buf: Buffer): { readonly frame?: RtuRequestFrame; readonly discarded: number } {
  if (!buf.length) return { discarded: 0 };
  if (!crcOk(buf, 0, buf.length)) return { discarded: 1 };
  return { frame: { unitId: buf[0], pdu: Buffer.from(buf.subarray(1, buf.length - 2)) }, discarded: 0 };
}
