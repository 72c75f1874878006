/**
 * The couch over Modbus TCP. TCP has no CRC: a corrupted reply carries a
 * broken function code, which the client must reject.
 */
import { encodeMbap, splitMbap } from '../src/protocol/modbus-codec.js';
import type { CouchDevice } from './couch-device.js';
import { ModbusHost, type ModbusFraming } from './modbus-host.js';

const TCP_FRAMING: ModbusFraming = {
  split: (buf) => {
    const s = splitMbap(buf);
    return { frames: s.frames, rest: s.rest, dropped: s.malformed };
  },
  encode: (req, pdu) => encodeMbap({ transactionId: req.transactionId ?? 0, unitId: req.unitId, pdu }),
  corruptIndex: 7,
};

export class ModbusTcpHost extends ModbusHost {
  constructor(device: CouchDevice, unitId = 1) {
    super(device, TCP_FRAMING, unitId);
  }
}
