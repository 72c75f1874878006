/**
 * Serves the couch's Modbus logic over a byte stream with a given framing
 * (TCP: MBAP header; RTU: unit id + CRC), applying link faults to replies:
 * silence, delay, corruption at a framing-specific byte, and (in the logic)
 * exception responses.
 */
import type { CouchDevice } from './couch-device.js';
import { CouchModbusLogic } from './couch-modbus-logic.js';
import { noLinkFaults, sendWithFaults, type LinkFaults } from './link-faults.js';
import { StreamHost } from './stream-host.js';

export interface ModbusFraming {
  /** Splits received bytes into requests; counts what it had to drop. */
  split(buf: Buffer): { frames: Array<{ unitId: number; pdu: Buffer; transactionId?: number }>; rest: Buffer; dropped: number };
  encode(request: { unitId: number; transactionId?: number }, pdu: Buffer): Buffer;
  /** Byte of a reply to corrupt so that a client must reject it. */
  readonly corruptIndex: number;
}

export class ModbusHost {
  readonly logic: CouchModbusLogic;
  readonly faults: LinkFaults = noLinkFaults();
  readonly stats = { requests: 0, dropped: 0 };
  readonly host: StreamHost;

  constructor(device: CouchDevice, framing: ModbusFraming, private readonly unitId = 1) {
    this.logic = new CouchModbusLogic(device);
    this.host = new StreamHost((write) => {
      let pending: Buffer = Buffer.alloc(0);
      return {
        onBytes: (chunk) => {
          const split = framing.split(Buffer.concat([pending, chunk]));
          pending = split.rest;
          this.stats.dropped += split.dropped;
          for (const f of split.frames) {
            if (f.unitId !== this.unitId) continue;
            this.stats.requests++;
            if (this.faults.silent) continue;
            sendWithFaults(this.faults, framing.encode(f, this.logic.answer(f.pdu)), framing.corruptIndex, write);
          }
        },
        onEnd: () => undefined,
      };
    });
  }
}
