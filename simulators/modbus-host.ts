/**
 * Serves the couch's Modbus logic over a byte stream with a given framing
 * (TCP: MBAP header; RTU: unit id + CRC, frames ended by silences), applying
 * link faults to replies: silence, delay, corruption at a framing-specific
 * byte, and (in the logic) exception responses.
 */
import { systemClock, type Clock, type TimerHandle } from '../src/core/clock.js';
import type { CouchDevice } from './couch-device.js';
import { CouchModbusLogic } from './couch-modbus-logic.js';
import { noLinkFaults, sendWithFaults, type LinkFaults } from './link-faults.js';
import { StreamHost } from './stream-host.js';

export interface ModbusRequestFrame {
  readonly unitId: number;
  readonly pdu: Buffer;
  readonly transactionId?: number;
}

/** What a server does with a request, by its unit id: answer, execute without answering (broadcast), or leave it to another device. */
export type UnitRoute = 'answer' | 'broadcast' | 'ignore';

export interface ModbusFraming {
  /** Splits received bytes into requests; counts what it had to drop. */
  split(buf: Buffer): { frames: ModbusRequestFrame[]; rest: Buffer; dropped: number };
  /** Serial framings: a silence of `silenceMs` after the last byte ends the frame held in `buf`. */
  readonly silence?: { readonly ms: number; end(buf: Buffer): { frames: ModbusRequestFrame[]; dropped: number } };
  encode(request: ModbusRequestFrame, pdu: Buffer): Buffer;
  route(unitId: number, ownUnitId: number): UnitRoute;
  /** Byte of a reply to corrupt so that a client must reject it. */
  readonly corruptIndex: number;
}

export class ModbusHost {
  readonly logic: CouchModbusLogic;
  readonly faults: LinkFaults = noLinkFaults();
  /** requests: addressed to this device (broadcasts included); replies: answers sent; broadcasts: executed, unanswered. */
  readonly stats = { requests: 0, replies: 0, broadcasts: 0, dropped: 0 };
  readonly host: StreamHost;

  constructor(device: CouchDevice, private readonly framing: ModbusFraming, private readonly unitId = 1, private readonly clock: Clock = systemClock) {
    this.logic = new CouchModbusLogic(device);
    this.host = new StreamHost((write) => this.session(write));
  }

  private session(write: (b: Buffer) => void) {
    const { framing, clock } = this;
    let pending: Buffer = Buffer.alloc(0);
    let lastRxMs = Number.NEGATIVE_INFINITY;
    let timer: TimerHandle | undefined;
    const serveAll = (frames: ModbusRequestFrame[], dropped: number): void => {
      this.stats.dropped += dropped;
      for (const f of frames) this.serve(f, write);
    };
    const silentSince = (): boolean => !!framing.silence && clock.nowMs() - lastRxMs >= framing.silence.ms;
    const flush = (): void => {
      if (!framing.silence || !pending.length) return;
      const r = framing.silence.end(pending);
      pending = Buffer.alloc(0);
      serveAll(r.frames, r.dropped);
    };
    const onSilenceTimer = (): void => {
      timer = undefined;
      if (silentSince()) flush();
      else if (framing.silence) timer = clock.setTimeout(onSilenceTimer, framing.silence.ms - (clock.nowMs() - lastRxMs)); // fired early
    };
    return {
      onBytes: (chunk: Buffer): void => {
        timer?.cancel();
        timer = undefined;
        if (silentSince()) flush(); // the bytes held before a silence were a frame of their own
        lastRxMs = clock.nowMs();
        const split = framing.split(Buffer.concat([pending, chunk]));
        pending = split.rest;
        serveAll(split.frames, split.dropped);
        if (framing.silence && pending.length) timer = clock.setTimeout(onSilenceTimer, framing.silence.ms);
      },
      onEnd: (): void => timer?.cancel(),
    };
  }

  private serve(f: ModbusRequestFrame, write: (b: Buffer) => void): void {
    const route = this.framing.route(f.unitId, this.unitId);
    if (route === 'ignore') return;
    this.stats.requests++;
    if (this.faults.silent) return; // a frozen device neither answers nor acts
    if (route === 'broadcast') {
      if (this.logic.executeBroadcast(f.pdu)) this.stats.broadcasts++;
      return;
    }
    this.stats.replies++;
    sendWithFaults(this.faults, this.framing.encode(f, this.logic.answer(f.pdu)), this.framing.corruptIndex, write);
  }
}
