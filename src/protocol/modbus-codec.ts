/**
 * Modbus application-protocol codec for the functions the couch uses
 * (03 read holding registers, 06 write single register, 16 write multiple),
 * with the TCP MBAP header. Pure. The bridge's client is modbus-serial; this
 * codec is the simulator's server side, so each side has its own implementation.
 */
export enum ModbusFn {
  ReadHoldingRegisters = 0x03,
  WriteSingleRegister = 0x06,
  WriteMultipleRegisters = 0x10,
}

export enum ModbusException {
  IllegalFunction = 0x01,
  IllegalDataAddress = 0x02,
  IllegalDataValue = 0x03,
  ServerDeviceFailure = 0x04,
  ServerDeviceBusy = 0x06,
}

export type ModbusRequest =
  | { readonly fn: ModbusFn.ReadHoldingRegisters; readonly address: number; readonly count: number }
  | { readonly fn: ModbusFn.WriteSingleRegister; readonly address: number; readonly value: number }
  | { readonly fn: ModbusFn.WriteMultipleRegisters; readonly address: number; readonly values: number[] };

export interface MbapFrame {
  readonly transactionId: number;
  readonly unitId: number;
  readonly pdu: Buffer;
}

export type PduDecode = { readonly ok: true; readonly request: ModbusRequest } | { readonly ok: false; readonly exception: ModbusException; readonly fn: number };

/** Splits a TCP byte buffer into MBAP frames; returns the frames and the unconsumed rest. */
export function splitMbap(buf: Buffer): { frames: MbapFrame[]; rest: Buffer; malformed: number } {
  const frames: MbapFrame[] = [];
  let malformed = 0;
  let off = 0;
  while (buf.length - off >= 7) {
    const protocolId = buf.readUInt16BE(off + 2);
    const length = buf.readUInt16BE(off + 4);
    if (protocolId !== 0 || length < 2 || length > 254) {
      malformed++;
      off = buf.length; // a broken header leaves no way to resync inside this chunk
      break;
    }
    if (buf.length - off < 6 + length) break;
    frames.push({ transactionId: buf.readUInt16BE(off), unitId: buf[off + 6], pdu: Buffer.from(buf.subarray(off + 7, off + 6 + length)) });
    off += 6 + length;
  }
  return { frames, rest: Buffer.from(buf.subarray(off)), malformed };
}

export function encodeMbap(f: MbapFrame): Buffer {
  const b = Buffer.alloc(7 + f.pdu.length);
  b.writeUInt16BE(f.transactionId & 0xffff, 0);
  b.writeUInt16BE(0, 2);
  b.writeUInt16BE(1 + f.pdu.length, 4);
  b[6] = f.unitId;
  f.pdu.copy(b, 7);
  return b;
}

export function decodeRequestPdu(pdu: Buffer): PduDecode {
  const fn = pdu[0];
  if (fn === ModbusFn.ReadHoldingRegisters && pdu.length === 5) {
    const count = pdu.readUInt16BE(3);
    if (count < 1 || count > 125) return { ok: false, exception: ModbusException.IllegalDataValue, fn };
    return { ok: true, request: { fn, address: pdu.readUInt16BE(1), count } };
  }
  if (fn === ModbusFn.WriteSingleRegister && pdu.length === 5) return { ok: true, request: { fn, address: pdu.readUInt16BE(1), value: pdu.readUInt16BE(3) } };
  if (fn === ModbusFn.WriteMultipleRegisters && pdu.length >= 6) {
    const count = pdu.readUInt16BE(3);
    if (count < 1 || count > 123 || pdu[5] !== 2 * count || pdu.length !== 6 + 2 * count) return { ok: false, exception: ModbusException.IllegalDataValue, fn };
    const values = Array.from({ length: count }, (_, i) => pdu.readUInt16BE(6 + 2 * i));
    return { ok: true, request: { fn, address: pdu.readUInt16BE(1), values } };
  }
  return { ok: false, exception: fn === ModbusFn.ReadHoldingRegisters || fn === ModbusFn.WriteSingleRegister || fn === ModbusFn.WriteMultipleRegisters ? ModbusException.IllegalDataValue : ModbusException.IllegalFunction, fn };
}

export function encodeReadResponse(values: readonly number[]): Buffer {
  const b = Buffer.alloc(2 + 2 * values.length);
  b[0] = ModbusFn.ReadHoldingRegisters;
  b[1] = 2 * values.length;
  values.forEach((v, i) => b.writeUInt16BE(v & 0xffff, 2 + 2 * i));
  return b;
}

export function encodeWriteSingleResponse(address: number, value: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = ModbusFn.WriteSingleRegister;
  b.writeUInt16BE(address, 1);
  b.writeUInt16BE(value & 0xffff, 3);
  return b;
}

export function encodeWriteMultipleResponse(address: number, count: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = ModbusFn.WriteMultipleRegisters;
  b.writeUInt16BE(address, 1);
  b.writeUInt16BE(count, 3);
  return b;
}

export function encodeException(fn: number, exception: ModbusException): Buffer {
  return Buffer.from([(fn | 0x80) & 0xff, exception]);
}

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), sent low byte first. Check value 0x4B37. */
export function crc16Modbus(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i];
    for (let b = 0; b < 8; b++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

export function encodeRtu(unitId: number, pdu: Buffer): Buffer {
  const b = Buffer.alloc(1 + pdu.length + 2);
  b[0] = unitId;
  pdu.copy(b, 1);
  b.writeUInt16LE(crc16Modbus(b, 0, 1 + pdu.length), 1 + pdu.length);
  return b;
}

// RTU request framing (silences, hunting) lives in modbus-rtu-framing.ts.

/** Bytes on the wire for a 6-axis poll (read 30 registers): request 8, response 5 + 60. */
export const RTU_POLL_BYTES = { request: 8, response: 5 + 2 * 30 } as const;

/** Wire time of an RTU exchange at a baud rate: 10 bits a byte plus a 3.5-character gap after each frame (1.75 ms above 19200 baud). */
export function rtuWireTimeMs(requestBytes: number, responseBytes: number, baud: number): number {
  const charMs = (10 / baud) * 1000;
  const gapMs = baud > 19200 ? 1.75 : 3.5 * charMs;
  return (requestBytes + responseBytes) * charMs + 2 * gapMs;
}
