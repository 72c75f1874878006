/**
 * Request/response over a framed byte link: one request in flight (a queue),
 * a timeout per request, replies matched by sequence number (u32, framing v2)
 * and bound to the request's command (a NAK must name it).
 * Bad frames are discarded, counted and reported; the link stays up.
 */
import { Subject } from 'rxjs';
import { BridgeError } from '../core/bridge-error.js';
import type { Clock } from '../core/clock.js';
import { CMD_NAK, FrameDecoder, MAX_SEQ, decodeNak, encodeFrame, replyCmd, type Frame } from '../protocol/frame-codec.js';
import type { ByteLink } from '../transport/byte-link.js';
import type { DriverCounters, DriverEvent } from './driver-event.js';
import { LinkHealthMonitor } from './link-health.js';

interface InFlight {
  readonly seq: number;
  readonly cmd: number;
  readonly resolve: (f: Frame) => void;
  readonly reject: (e: BridgeError) => void;
  readonly cancelTimer: () => void;
}

export class FramedClient {
  private decoder = new FrameDecoder();
  private seq = 0;
  private inFlight: InFlight | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  readonly health: LinkHealthMonitor;
  readonly events$ = new Subject<DriverEvent>();
  readonly counters: DriverCounters = { framesRejected: 0, timeouts: 0, naks: 0, unexpected: 0 };

  constructor(
    readonly device: string,
    private readonly link: ByteLink,
    private readonly clock: Clock,
    staleAfterMs: number,
    private readonly cmdName: (cmd: number) => string,
  ) {
    this.health = new LinkHealthMonitor(clock, staleAfterMs, { identityRequired: true }); // the driver confirms the device's identity
    this.health.health$.subscribe((h) =>
      this.events$.next(h.fresh ? { type: 'link-fresh', device } : { type: 'link-stale', device, lastValidRxMs: h.lastValidRxMs }),
    );
    link.onData((chunk) => this.onBytes(chunk));
    link.onClose((reason) => {
      this.health.invalidate();
      this.events$.next({ type: 'link-closed', device, reason: reason?.message ?? 'closed' });
      this.inFlight?.reject(new BridgeError('LINK_CLOSED', 'link closed with a request in flight', { field: link.endpoint }));
      this.inFlight = undefined;
    });
    link.onReopen?.(() => {
      this.decoder = new FrameDecoder(); // a partial frame from the old connection is not the start of a new one
      this.health.invalidate(); // another device may answer now: its identity is confirmed again
      this.events$.next({ type: 'link-reopened', device });
    });
    this.health.start();
  }

  /** Sends a request and waits for its reply; requests are serialised. */
  request(cmd: number, payload: Buffer, timeoutMs: number): Promise<Frame> {
    const run = (): Promise<Frame> => this.send(cmd, payload, timeoutMs);
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    this.health.stop();
    await this.link.close();
    this.events$.complete();
  }

  private send(cmd: number, payload: Buffer, timeoutMs: number): Promise<Frame> {
    if (!this.link.isOpen) return Promise.reject(new BridgeError('LINK_CLOSED', 'link is closed', { field: this.link.endpoint }));
    this.seq = this.seq >= MAX_SEQ ? 1 : this.seq + 1; // u32 (framing v2): a reply 2^32 requests old cannot match
    const seq = this.seq;
    return new Promise<Frame>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        if (this.inFlight?.seq !== seq) return;
        this.inFlight = undefined;
        this.counters.timeouts++;
        const error = new BridgeError('REQUEST_TIMEOUT', 'no reply', { field: `${this.device}.${this.cmdName(cmd)}`, limit: timeoutMs, unit: 'ms' });
        this.events$.next({ type: 'request-failed', device: this.device, error, cmd: this.cmdName(cmd) });
        reject(error);
      }, timeoutMs);
      this.inFlight = { seq, cmd, resolve, reject, cancelTimer: () => timer.cancel() };
      this.link.write(encodeFrame({ seq, cmd, payload }));
    });
  }

  private onBytes(chunk: Buffer): void {
    for (const r of this.decoder.push(chunk)) {
      if (!r.ok) {
        this.counters.framesRejected++;
        this.events$.next({ type: 'frame-rejected', device: this.device, error: r.error, rawHex: r.raw.toString('hex') });
        continue;
      }
      this.onFrame(r.frame);
    }
  }

  private onFrame(frame: Frame): void {
    const pending = this.inFlight;
    if (!pending || frame.seq !== pending.seq) {
      this.counters.unexpected++;
      return; // a late reply to a timed-out request: valid bytes, but not evidence of a live request
    }
    this.health.touch();
    pending.cancelTimer();
    this.inFlight = undefined;
    const nak = frame.cmd === CMD_NAK ? decodeNak(frame.payload) : undefined;
    if (frame.cmd === CMD_NAK && nak?.requestCmd !== pending.cmd) {
      this.counters.unexpected++; // a NAK carries the command it refuses: it must be the one in flight
      pending.reject(new BridgeError('FRAME_UNEXPECTED', 'NAK names another command than the request', { field: 'nak.requestCmd', actual: nak?.requestCmd ?? 'none', limit: pending.cmd }));
    } else if (frame.cmd === CMD_NAK) {
      this.counters.naks++;
      const error = new BridgeError('DEVICE_REJECTED', `device refused the command (reason ${nak?.reason ?? '?'})`, { field: `${this.device}.${this.cmdName(pending.cmd)}` });
      this.events$.next({ type: 'request-failed', device: this.device, error, cmd: this.cmdName(pending.cmd) });
      pending.reject(error);
    } else if (frame.cmd !== replyCmd(pending.cmd)) {
      this.counters.unexpected++;
      pending.reject(new BridgeError('FRAME_UNEXPECTED', 'reply command does not match the request', { field: 'cmd', actual: frame.cmd, limit: replyCmd(pending.cmd) }));
    } else {
      pending.resolve(frame);
    }
  }
}
