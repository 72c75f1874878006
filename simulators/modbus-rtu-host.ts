/**
 * The couch over Modbus RTU on a byte stream (a pseudo-terminal in tests, a
 * serial line in a rig). Modbus over Serial Line V1.02: a frame ends at a
 * silence of 3.5 characters; a request with a bad CRC is dropped without an
 * answer; unit 0 is a broadcast (writes executed, never answered). A corrupted
 * reply breaks a data byte, which only the client's CRC check can catch.
 */
import { systemClock, type Clock } from '../src/core/clock.js';
import { encodeRtu } from '../src/protocol/modbus-codec.js';
import { endRtuFrameAtSilence, rtuSilenceMs, splitRtuRequests } from '../src/protocol/modbus-rtu-framing.js';
import type { CouchDevice } from './couch-device.js';
import { ModbusHost, type ModbusFraming } from './modbus-host.js';

/** Serial-line broadcast address (V1.02 §2.2). */
export const RTU_BROADCAST_UNIT = 0;

export interface RtuHostOptions {
  /** Clock for the t3.5 silence (a ManualClock in unit tests). */
  readonly clock?: Clock;
  /** Line speed that sets t3.5; a pseudo-terminal has none, so the rig's nominal rate. */
  readonly baudRate?: number;
}

function rtuFraming(baudRate: number): ModbusFraming {
  return {
    split: (buf) => {
      const s = splitRtuRequests(buf);
      return { frames: s.frames, rest: s.rest, dropped: s.discarded };
    },
    silence: {
      ms: rtuSilenceMs(baudRate),
      end: (buf) => {
        const r = endRtuFrameAtSilence(buf);
        return { frames: r.frame ? [r.frame] : [], dropped: r.discarded };
      },
    },
    encode: (req, pdu) => encodeRtu(req.unitId, pdu),
    route: (unitId, own) => (unitId === own ? 'answer' : unitId === RTU_BROADCAST_UNIT ? 'broadcast' : 'ignore'),
    corruptIndex: 3,
  };
}

export class ModbusRtuHost extends ModbusHost {
  constructor(device: CouchDevice, unitId = 1, options: RtuHostOptions = {}) {
    super(device, rtuFraming(options.baudRate ?? 115_200), unitId, options.clock ?? systemClock);
  }
}
