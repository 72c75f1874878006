/**
 * The couch over Modbus TCP. TCP has no CRC: a corrupted reply carries a
 * broken function code, which the client must reject. The server answers its
 * own unit id and also 0xFF and 0, which on TCP address the server itself
 * (MODBUS Messaging on TCP/IP Implementation Guide V1.0b, p. 23; docs/protocols/couch.md).
 */
import { encodeMbap, splitMbap } from '../src/protocol/modbus-codec.js';
import type { CouchDevice } from './couch-device.js';
import { ModbusHost, type ModbusFraming } from './modbus-host.js';

/** Unit ids that reach a Modbus TCP server directly, whatever its configured unit id. */
export const TCP_DIRECT_UNITS: readonly number[] = [0xff, 0];

const TCP_FRAMING: ModbusFraming = {
  split: (buf) => {
    const s = splitMbap(buf);
    return { frames: s.frames, rest: s.rest, dropped: s.malformed };
  },
  encode: (req, pdu) => encodeMbap({ transactionId: req.transactionId ?? 0, unitId: req.unitId, pdu }),
  route: (unitId, own) => (unitId === own || TCP_DIRECT_UNITS.includes(unitId) ? 'answer' : 'ignore'),
  corruptIndex: 7,
};

export class ModbusTcpHost extends ModbusHost {
  constructor(device: CouchDevice, unitId = 1) {
    super(device, TCP_FRAMING, unitId);
  }
}
