/**
 * A Modbus master (client) over a ByteLink, Modbus TCP or RTU, with one
 * request in flight. A reply is attributed to the request in flight only if
 * it provably answers it, and only within that request's timeout:
 *
 *   TCP  the MBAP transaction id must be the in-flight one (a new id per request)
 *   RTU  there is no id: after any lost, damaged or unexpected reply the line is
 *        out of step; input is discarded until the line has been silent for
 *        t3.5, then a fence is sent: a single-register write of a never-repeated
 *        value, whose echo names it. A serial server answers in order, so once
 *        the fence's echo is back every late reply before it has been seen and
 *        discarded; until then no other reply is attributed to anything.
 *
 * Everything else that arrives is counted as discarded, never attributed.
 */
import { BridgeError } from '../core/bridge-error.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import { encodeMbap, encodeRtu } from '../protocol/modbus-codec.js';
import type { ByteLink } from '../transport/byte-link.js';
import { encodeRequestPdu, matchReply, rtuCrcOk, rtuReplyLength, rtuSilenceMs, type MasterRequest } from './modbus-reply.js';

export type ModbusFraming = { readonly kind: 'tcp' } | { readonly kind: 'rtu'; readonly baudRate: number };

export interface ModbusMasterOptions {
  readonly clock: Clock;
  readonly framing: ModbusFraming;
  readonly unitId: number;
  readonly timeoutMs: number;
  /** RTU: the fence write (register and a value never sent before) that puts the line back in step. */
  readonly fence: () => { readonly address: number; readonly value: number };
  /** A frame that answered nothing in flight (late, foreign) or could not be read (CRC, header). */
  readonly onDiscard?: (reason: 'late' | 'damaged', raw: Buffer) => void;
}

interface InFlight {
  readonly req: MasterRequest;
  readonly field: string;
  readonly tid: number;
  readonly sentAtMs: number;
  readonly fence: boolean;
  readonly timer: TimerHandle;
  readonly resolve: (registers: number[]) => void;
  readonly reject: (e: BridgeError) => void;
}

export class ModbusMaster {
  private inFlight: InFlight | undefined;
  private rx = Buffer.alloc(0);
  private lastRxMs = -Infinity;
  private nextTid = 1;
  /** RTU: every request sent so far has been answered or fenced off (starts true: nothing sent yet). */
  private inStep = true;
  /** RTU: bytes are being dropped until the line has been silent for t3.5. */
  private flushing = false;
  private lastReply: number | undefined;
  private busy = false;

  constructor(
    readonly link: ByteLink,
    private readonly opts: ModbusMasterOptions,
  ) {
    link.onData((chunk) => (opts.framing.kind === 'tcp' ? this.onTcpData(chunk) : this.onRtuData(chunk)));
    link.onClose(() => this.settle(new BridgeError('LINK_CLOSED', 'Modbus link closed', { field: link.endpoint })));
  }

  /** Clock time of the last reply attributed to a request (undefined before the first). */
  get lastReplyMs(): number | undefined {
    return this.lastReply;
  }

  readHoldingRegisters(address: number, count: number, field: string): Promise<number[]> {
    return this.request({ fn: 0x03, address, count }, field);
  }

  async writeRegister(address: number, value: number, field: string): Promise<void> {
    await this.request({ fn: 0x06, address, value }, field);
  }

  async writeRegisters(address: number, values: readonly number[], field: string): Promise<void> {
    await this.request({ fn: 0x10, address, values }, field);
  }

  private async request(req: MasterRequest, field: string): Promise<number[]> {
    if (this.busy) throw new BridgeError('DEVICE_FAULT', 'a Modbus request is already in flight', { field });
    if (!this.link.isOpen) throw new BridgeError('LINK_CLOSED', 'Modbus link is closed', { field });
    this.busy = true;
    try {
      if (this.opts.framing.kind === 'rtu') {
        const t35 = rtuSilenceMs(this.opts.framing.baudRate);
        await this.quiet(t35);
        if (!this.inStep) {
          await this.transact({ fn: 0x06, ...this.opts.fence() }, field, true);
          await this.quiet(t35);
        }
      }
      return await this.transact(req, field, false);
    } finally {
      this.busy = false;
    }
  }

  /** Waits until nothing has arrived for `silenceMs`, then drops whatever is buffered: none of it can answer the next request. */
  private async quiet(silenceMs: number): Promise<void> {
    for (let wait = this.lastRxMs + silenceMs - this.opts.clock.nowMs(); wait > 0; wait = this.lastRxMs + silenceMs - this.opts.clock.nowMs()) {
      await new Promise<void>((r) => this.opts.clock.setTimeout(r, wait));
    }
    if (this.rx.length > 0) this.discard('damaged', this.rx);
    this.rx = Buffer.alloc(0);
    this.flushing = false;
  }

  private transact(req: MasterRequest, field: string, fence: boolean): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const tid = this.nextTid;
      this.nextTid = (this.nextTid + 1) & 0xffff;
      const pdu = encodeRequestPdu(req);
      const frame = this.opts.framing.kind === 'tcp' ? encodeMbap({ transactionId: tid, unitId: this.opts.unitId, pdu }) : encodeRtu(this.opts.unitId, pdu);
      const timer = this.opts.clock.setTimeout(() => this.timedOut(), this.opts.timeoutMs);
      this.inFlight = { req, field, tid, sentAtMs: this.opts.clock.nowMs(), fence, timer, resolve, reject };
      this.link.write(frame);
    });
  }

  private timedOut(): void {
    this.inStep = false; // its reply may still come, and RTU cannot tell it from the next one's
    const f = this.inFlight;
    this.settle(new BridgeError('REQUEST_TIMEOUT', 'no reply', { field: f?.field, limit: this.opts.timeoutMs, unit: 'ms' }));
  }

  private settle(error: BridgeError | undefined, registers: number[] = []): void {
    const f = this.inFlight;
    if (!f) return;
    this.inFlight = undefined;
    f.timer.cancel();
    if (error) f.reject(error);
    else f.resolve(registers);
  }

  private onTcpData(chunk: Buffer): void {
    this.rx = Buffer.concat([this.rx, chunk]);
    while (this.rx.length >= 7) {
      const length = this.rx.readUInt16BE(4);
      if (this.rx.readUInt16BE(2) !== 0 || length < 3 || length > 254) {
        // no way to find the next header in a stream: drop it all and fail the request in flight
        this.damaged(this.rx, new BridgeError('FRAME_MALFORMED', 'MBAP header invalid', { field: this.inFlight?.field, actual: this.rx.subarray(0, 7).toString('hex') }));
        this.rx = Buffer.alloc(0);
        return;
      }
      if (this.rx.length < 6 + length) return;
      const frame = this.rx.subarray(0, 6 + length);
      this.rx = Buffer.from(this.rx.subarray(6 + length));
      const f = this.inFlight;
      if (!f || frame.readUInt16BE(0) !== f.tid || frame[6] !== this.opts.unitId) this.discard('late', frame);
      else this.answer(f, frame.subarray(7));
    }
  }

  private onRtuData(chunk: Buffer): void {
    const now = this.opts.clock.nowMs();
    const silent = now - this.lastRxMs >= rtuSilenceMs((this.opts.framing as { baudRate: number }).baudRate);
    this.lastRxMs = now;
    if (this.flushing && !silent) return; // the rest of a damaged frame, already counted
    this.flushing = false;
    this.rx = Buffer.concat([this.rx, chunk]);
    for (;;) {
      const len = rtuReplyLength(this.rx);
      if (len === undefined || (len !== 'invalid' && this.rx.length < len)) return;
      const frame = len === 'invalid' ? undefined : this.rx.subarray(0, len);
      if (!frame || !rtuCrcOk(frame)) return this.lostStep(this.rx);
      this.rx = Buffer.from(this.rx.subarray(len as number));
      const f = this.inFlight;
      if (frame[0] !== this.opts.unitId || !f) {
        this.inStep = false;
        this.discard('late', frame);
      } else if (!this.inStep && !f.fence) this.discard('late', frame);
      else if (!this.inStep && matchReply(f.req, frame.subarray(1, len as number - 2)).kind !== 'ok') this.discard('late', frame); // only the fence's own echo puts the line back in step
      else {
        this.inStep = true;
        this.answer(f, frame.subarray(1, frame.length - 2));
      }
    }
  }

  /** RTU bytes that are not a frame: drop them and everything until t3.5 of silence; the request in flight fails. */
  private lostStep(bytes: Buffer): void {
    this.rx = Buffer.alloc(0);
    this.flushing = true;
    this.inStep = false;
    this.damaged(bytes, new BridgeError('FRAME_CRC', 'RTU reply damaged (CRC or length)', { field: this.inFlight?.field, actual: bytes.subarray(0, 16).toString('hex') }));
  }

  /** Damaged bytes fail the request in flight (which reports them), or are reported on their own. */
  private damaged(bytes: Buffer, error: BridgeError): void {
    if (this.inFlight) this.settle(error);
    else this.discard('damaged', bytes);
  }

  /** The frame carries the in-flight request's id (TCP) or the line is in step (RTU): judge its content and age. */
  private answer(f: InFlight, pdu: Buffer): void {
    if (this.opts.clock.nowMs() - f.sentAtMs > this.opts.timeoutMs) {
      // the timer is late (busy event loop) but the reply is older than the request's timeout: never counted
      this.discard('late', pdu);
      return this.timedOut();
    }
    const m = matchReply(f.req, pdu);
    if (m.kind === 'mismatch') {
      this.inStep = false;
      return this.settle(new BridgeError('FRAME_MALFORMED', 'reply does not answer the request', { field: f.field, actual: pdu.toString('hex') }));
    }
    this.lastReply = this.opts.clock.nowMs();
    if (m.kind === 'exception') return this.settle(new BridgeError('DEVICE_REJECTED', `Modbus exception ${m.exceptionCode}`, { field: f.field, actual: m.exceptionCode }));
    this.settle(undefined, m.registers);
  }

  private discard(reason: 'late' | 'damaged', raw: Buffer): void {
    this.opts.onDiscard?.(reason, Buffer.from(raw));
  }
}
