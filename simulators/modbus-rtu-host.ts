/**
 * The couch over Modbus RTU on a byte stream (a pseudo-terminal in tests, a
 * serial line in a rig). Requests with a bad CRC are dropped without an
 * answer, as the serial-line spec requires; a corrupted reply breaks a data
 * byte, which only the client's CRC check can catch.
 */
import { encodeRtu, splitRtuRequests } from '../src/protocol/modbus-codec.js';
import type { CouchDevice } from './couch-device.js';
import { ModbusHost, type ModbusFraming } from './modbus-host.js';

const RTU_FRAMING: ModbusFraming = {
  split: (buf) => {
    const s = splitRtuRequests(buf);
    return { frames: s.frames, rest: s.rest, dropped: s.crcErrors + s.dropped };
  },
  encode: (req, pdu) => encodeRtu(req.unitId, pdu),
  corruptIndex: 3,
};

export class ModbusRtuHost extends ModbusHost {
  constructor(device: CouchDevice, unitId = 1) {
    super(device, RTU_FRAMING, unitId);
  }
}
