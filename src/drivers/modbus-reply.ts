/**
 * The client side of the Modbus functions the couch uses (03, 06, 16): request
 * PDUs out, and the check that a reply PDU answers exactly the request in
 * flight. Pure. The simulator's server side is `protocol/modbus-codec.ts`;
 * both are pinned by third-party servers in the tests (jsmodbus).
 */
import { crc16Modbus } from '../protocol/modbus-codec.js';

export type MasterRequest =
  | { readonly fn: 0x03; readonly address: number; readonly count: number }
  | { readonly fn: 0x06; readonly address: number; readonly value: number }
  | { readonly fn: 0x10; readonly address: number; readonly values: readonly number[] };

export type ReplyMatch =
  | { readonly kind: 'ok'; readonly registers: number[] }
  | { readonly kind: 'exception'; readonly exceptionCode: number }
  /** A well-formed frame that does not answer this request (another request's reply, or damaged). */
  | { readonly kind: 'mismatch' };

export function encodeRequestPdu(req: MasterRequest): Buffer {
  if (req.fn === 0x10) {
    const b = Buffer.alloc(6 + 2 * req.values.length);
    b[0] = req.fn;
    b.writeUInt16BE(req.address, 1);
    b.writeUInt16BE(req.values.length, 3);
    b[5] = 2 * req.values.length;
    req.values.forEach((v, i) => b.writeUInt16BE(v & 0xffff, 6 + 2 * i));
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = req.fn;
  b.writeUInt16BE(req.address, 1);
  b.writeUInt16BE(req.fn === 0x03 ? req.count : req.value & 0xffff, 3);
  return b;
}

/**
 * Does `pdu` answer `req`? A read must carry exactly 2·count bytes; a
 * single write is an echo of address and value, a multiple write echoes
 * address and count. Only a single write's echo identifies its request.
 */
export function matchReply(req: MasterRequest, pdu: Buffer): ReplyMatch {
  if (pdu.length === 2 && pdu[0] === (req.fn | 0x80)) return { kind: 'exception', exceptionCode: pdu[1] };
  if (pdu[0] !== req.fn) return { kind: 'mismatch' };
  if (req.fn === 0x03) {
    if (pdu.length !== 2 + 2 * req.count || pdu[1] !== 2 * req.count) return { kind: 'mismatch' };
    return { kind: 'ok', registers: Array.from({ length: req.count }, (_, i) => pdu.readUInt16BE(2 + 2 * i)) };
  }
  if (pdu.length !== 5 || pdu.readUInt16BE(1) !== req.address) return { kind: 'mismatch' };
  const echoed = pdu.readUInt16BE(3);
  const expected = req.fn === 0x06 ? req.value & 0xffff : req.values.length;
  return echoed === expected ? { kind: 'ok', registers: [] } : { kind: 'mismatch' };
}

/**
 * Length of an RTU *reply* frame (unit, PDU, CRC) from its first bytes:
 * undefined while too few bytes are in, 'invalid' for a function code no
 * reply to our requests can carry (Modbus over Serial Line V1.02 §2.5.1).
 */
export function rtuReplyLength(buf: Buffer): number | 'invalid' | undefined {
  if (buf.length < 2) return undefined;
  const fn = buf[1];
  if (fn & 0x80) return 5; // unit, fn|0x80, exception code, CRC
  if (fn === 0x06 || fn === 0x10) return 8;
  if (fn !== 0x03) return 'invalid';
  if (buf.length < 3) return undefined;
  return buf[2] % 2 === 0 && buf[2] > 0 ? 5 + buf[2] : 'invalid';
}

/** CRC-16/MODBUS over all but the last two bytes, compared with them (low byte first). */
export function rtuCrcOk(frame: Buffer): boolean {
  return frame.length >= 4 && crc16Modbus(frame, 0, frame.length - 2) === frame.readUInt16LE(frame.length - 2);
}

/**
 * The RTU inter-frame silence t3.5 in ms: 3.5 characters of 11 bits, fixed at
 * 1.75 ms above 19200 baud (Modbus over Serial Line V1.02 §2.5.1.1).
 */
export function rtuSilenceMs(baudRate: number): number {
  return baudRate > 19200 ? 1.75 : (3.5 * 11 * 1000) / baudRate;
}
