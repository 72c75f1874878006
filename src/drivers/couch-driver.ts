/**
 * 6DOF couch driver over Modbus TCP or RTU (`modbus-master.ts`). One request in
 * flight per bus through a queue; position polled every pollMs; the watchdog
 * register written every heartbeatMs; reads are retried once, writes never (not
 * idempotent for the command register). Freshness comes only from a valid pose
 * read: a write's acknowledgement says the couch is listening, not where it is.
 * A link whose port closed, or that has had no reply for `reconnectAfterMs` (a
 * half-open TCP connection never reports itself), is replaced by a fresh one,
 * with backoff; the link stays stale until the couch answers a read. On every
 * connection the identity registers (30, 31) are read first: until they name a
 * couch on this register map the link stays stale and no pose is read (the
 * watchdog write goes on: a couch moves only while it changes).
 */
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { BridgeError } from '../core/bridge-error.js';
import type { Clock } from '../core/clock.js';
import type { Pose6 } from '../core/pose.js';
import { COUCH_DEVICE_TYPE, COUCH_MAP_VERSION, COUCH_REGISTER_COUNT, CouchCommand, CouchReg, decodePose, describeCouchIdentity, isCouchIdentity, decodeStatusRegisters, encodePose, type CouchStatus } from '../protocol/couch-register-map.js';
import { describeLink, type ByteLink, type LinkSpec } from '../transport/byte-link.js';
import { openByteLink } from '../transport/open-link.js';
import type { DeviceDriver } from './device-driver.js';
import type { DriverCounters, DriverEvent } from './driver-event.js';
import { LinkHealthMonitor, type LinkHealth } from './link-health.js';
import { ModbusMaster } from './modbus-master.js';
import { PollLoop } from './poll-loop.js';

export type CouchTransport = LinkSpec;

export interface CouchDriverOptions {
  readonly clock: Clock;
  /** Modbus TCP, or Modbus RTU over a serial line (`kind: 'serial'`, t3.5 from its baud rate). */
  readonly transport: CouchTransport;
  readonly unitId: number;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly pollMs: number;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  /** Silence after which the connection is torn down and reopened (default 4 × staleAfterMs). */
  readonly reconnectAfterMs?: number;
  /** Opens the byte link (default: `transport/open-link.ts`); tests pass a scripted one. */
  readonly openLink?: (spec: LinkSpec, connectTimeoutMs: number) => Promise<ByteLink>;
  /** A couch that cannot be opened at start-up is tried again with backoff (the link starts stale) instead of failing `connect`. */
  readonly retryFirstOpen?: boolean;
}

/** Waits before successive reconnect attempts, ms; the last one repeats. */
const RECONNECT_BACKOFF_MS = [100, 250, 500, 1000, 2000] as const;

export interface CouchSnapshot {
  readonly actual: Pose6;
  readonly target: Pose6;
  readonly status: CouchStatus;
  readonly atMs: number;
}

export class CouchDriver implements DeviceDriver<CouchSnapshot> {
  private readonly snapshots = new BehaviorSubject<CouchSnapshot | undefined>(undefined);
  private readonly events = new Subject<DriverEvent>();
  private readonly health: LinkHealthMonitor;
  private readonly poller: PollLoop;
  private readonly watchdog: PollLoop;
  private queue: Promise<unknown> = Promise.resolve();
  private watchdogCounter = 0;
  private reconnecting = false;
  private closed = false;
  /** The identity mismatch last reported (each distinct answer once), cleared when a couch answers. */
  private reportedMismatch: string | undefined;
  private connectedAtMs: number;
  private client: ModbusMaster;
  readonly counters: DriverCounters = { framesRejected: 0, timeouts: 0, naks: 0, unexpected: 0 };
  readonly reconnects = { attempts: 0, succeeded: 0 };

  private constructor(link: ByteLink, private readonly opts: CouchDriverOptions) {
    this.client = this.master(link);
    this.connectedAtMs = opts.clock.nowMs();
    this.health = new LinkHealthMonitor(opts.clock, opts.staleAfterMs, { identityRequired: true });
    this.health.health$.subscribe((h) => this.events.next(h.fresh ? { type: 'link-fresh', device: 'couch' } : { type: 'link-stale', device: 'couch', lastValidRxMs: h.lastValidRxMs }));
    this.health.start();
    this.poller = new PollLoop(opts.clock, opts.pollMs, () => this.poll());
    this.watchdog = new PollLoop(opts.clock, opts.heartbeatMs, async () => {
      if (this.reconnecting) return;
      await this.enqueue('watchdog', () => this.client.writeRegister(CouchReg.watchdog, this.nextWatchdogValue(), 'couch.watchdog'));
    });
    this.poller.start();
    this.watchdog.start();
  }

  static async connect(opts: CouchDriverOptions): Promise<CouchDriver> {
    let link: ByteLink;
    try {
      link = await openCouchLink(opts);
    } catch (e) {
      if (!opts.retryFirstOpen) throw e;
      link = neverOpened(describeLink(opts.transport)); // the first poll finds it closed and reconnects with backoff
    }
    return new CouchDriver(link, opts);
  }

  get snapshot$(): Observable<CouchSnapshot | undefined> {
    return this.snapshots;
  }
  get latest(): CouchSnapshot | undefined {
    return this.snapshots.value;
  }
  get health$(): Observable<LinkHealth> {
    return this.health.health$;
  }
  get events$(): Observable<DriverEvent> {
    return this.events;
  }
  /** A valid pose was read within staleAfterMs (write acknowledgements do not count). */
  isFresh(): boolean {
    return this.health.isFresh();
  }

  /** Writes the target pose and the move id, then the Move command. */
  async moveTo(target: Pose6, moveId: number): Promise<void> {
    let regs: number[];
    try {
      regs = encodePose(target);
    } catch (cause) {
      throw new BridgeError('LIMIT_EXCEEDED', 'target pose not representable', { field: 'couch.target', cause });
    }
    await this.enqueue('target', () => this.client.writeRegisters(CouchReg.targetPose, regs, 'couch.target'));
    await this.enqueue('moveId', () => this.client.writeRegister(CouchReg.moveId, moveId & 0xffff, 'couch.moveId'));
    await this.enqueue('command', () => this.client.writeRegister(CouchReg.command, CouchCommand.Move, 'couch.command'));
  }

  async stop(): Promise<void> {
    await this.enqueue('command', () => this.client.writeRegister(CouchReg.command, CouchCommand.Stop, 'couch.command'));
  }

  async resetFault(): Promise<void> {
    await this.enqueue('command', () => this.client.writeRegister(CouchReg.command, CouchCommand.ResetFault, 'couch.command'));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.poller.stop();
    this.watchdog.stop();
    this.health.stop();
    await this.queue.catch(() => undefined);
    await this.client.link.close();
    this.snapshots.complete();
    this.events.complete();
  }

  /** The watchdog counter; also the RTU fence value, so no value repeats within 65536 writes. */
  private nextWatchdogValue(): number {
    this.watchdogCounter = (this.watchdogCounter + 1) & 0xffff;
    return this.watchdogCounter;
  }

  private master(link: ByteLink): ModbusMaster {
    const t = this.opts.transport;
    return new ModbusMaster(link, {
      clock: this.opts.clock,
      framing: t.kind === 'tcp' ? { kind: 'tcp' } : { kind: 'rtu', baudRate: t.baudRate },
      unitId: this.opts.unitId,
      timeoutMs: this.opts.requestTimeoutMs,
      fence: () => ({ address: CouchReg.watchdog, value: this.nextWatchdogValue() }),
      onDiscard: (reason, raw) => {
        if (reason === 'late') this.counters.unexpected++;
        else this.rejected(new BridgeError('FRAME_MALFORMED', 'bytes that answer no request', { field: 'couch.reply' }), raw);
      },
    });
  }

  private async poll(): Promise<void> {
    if (this.reconnecting) return;
    if (this.connectionLost()) return this.reconnect();
    if (!this.health.isIdentified && !(await this.confirmIdentity())) return;
    const read = () => this.client.readHoldingRegisters(0, COUCH_REGISTER_COUNT, 'couch.poll');
    let data: number[];
    try {
      data = await this.enqueue('poll', read);
    } catch (e) {
      if (!(e instanceof BridgeError) || (e.code !== 'FRAME_MALFORMED' && e.code !== 'FRAME_CRC')) throw e;
      data = await this.enqueue('poll-retry', read); // idempotent: one retry
    }
    if (data.length !== COUCH_REGISTER_COUNT) return; // the master checks the byte count; belt and braces
    this.snapshots.next({ actual: decodePose(data, CouchReg.actualPose), target: decodePose(data, CouchReg.targetPose), status: decodeStatusRegisters(data), atMs: this.opts.clock.nowMs() });
    this.health.touch(); // only a pose read is evidence of where the couch is
  }

  /** Reads registers 30, 31; true when they name a couch on this map. A mismatch is reported once per distinct answer. */
  private async confirmIdentity(): Promise<boolean> {
    let actual: string;
    try {
      const regs = await this.enqueue('identity', () => this.client.readHoldingRegisters(CouchReg.deviceType, 2, 'couch.identity'));
      if (isCouchIdentity(regs)) {
        this.reportedMismatch = undefined;
        this.health.identityConfirmed();
        return true;
      }
      actual = describeCouchIdentity(regs);
    } catch (e) {
      if (e instanceof BridgeError && e.code === 'LINK_CLOSED') return false; // reconnecting: reported as such
      actual = e instanceof BridgeError && e.code === 'REQUEST_TIMEOUT' ? `no identity within ${this.opts.requestTimeoutMs} ms` : `no identity (${(e as Error).message})`;
    }
    if (actual !== this.reportedMismatch && !this.closed) {
      this.reportedMismatch = actual;
      this.events.next({ type: 'link-identity-mismatch', device: 'couch', expected: describeCouchIdentity([COUCH_DEVICE_TYPE, COUCH_MAP_VERSION]), actual });
    }
    return false;
  }

  /** The port closed, or nothing came back for reconnectAfterMs (since the last reply or the last connect). */
  private connectionLost(): boolean {
    if (!this.client.link.isOpen) return true;
    const last = Math.max(this.client.lastReplyMs ?? -Infinity, this.connectedAtMs);
    return this.opts.clock.nowMs() - last > (this.opts.reconnectAfterMs ?? 4 * this.opts.staleAfterMs);
  }

  /** Drops the link and opens a new one with backoff; the queue's requests fail meanwhile. */
  private async reconnect(): Promise<void> {
    this.reconnecting = true;
    this.health.invalidate();
    this.events.next({ type: 'link-closed', device: 'couch', reason: this.client.link.isOpen ? `no valid reply for ${this.opts.reconnectAfterMs ?? 4 * this.opts.staleAfterMs} ms` : 'port closed' });
    await this.queue.catch(() => undefined);
    await this.client.link.close();
    for (let failures = 0; !this.closed; failures++) {
      await new Promise<void>((r) => this.opts.clock.setTimeout(r, RECONNECT_BACKOFF_MS[Math.min(failures, RECONNECT_BACKOFF_MS.length - 1)]));
      if (this.closed) break;
      this.reconnects.attempts++;
      try {
        const link = await openCouchLink(this.opts);
        if (this.closed) {
          await link.close();
          break;
        }
        this.client = this.master(link);
        this.connectedAtMs = this.opts.clock.nowMs();
        this.reconnects.succeeded++;
        this.events.next({ type: 'link-reopened', device: 'couch' });
        break;
      } catch {
        // refused or timed out: try again after the next wait
      }
    }
    this.reconnecting = false;
  }

  /** One request in flight per bus: parallel requests on one connection get mismatched replies. */
  private enqueue<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.reconnecting) throw new BridgeError('LINK_CLOSED', 'couch link is reconnecting', { field: `couch.${what}` });
      try {
        return await fn();
      } catch (e) {
        throw this.failed(e, what);
      }
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private failed(e: unknown, what: string): BridgeError {
    const error = e instanceof BridgeError ? e : new BridgeError('DEVICE_FAULT', String(e), { field: `couch.${what}`, cause: e });
    if (error.code === 'FRAME_MALFORMED' || error.code === 'FRAME_CRC') {
      this.rejected(error, Buffer.alloc(0));
    } else {
      if (error.code === 'REQUEST_TIMEOUT') this.counters.timeouts++;
      if (error.code === 'DEVICE_REJECTED') this.counters.naks++;
      this.events.next({ type: 'request-failed', device: 'couch', error, cmd: what });
    }
    return error;
  }

  private rejected(error: BridgeError, raw: Buffer): void {
    this.counters.framesRejected++;
    this.events.next({ type: 'frame-rejected', device: 'couch', error, rawHex: raw.toString('hex') });
  }
}

/** A link that was never open: stands in until the first reconnect succeeds. */
function neverOpened(endpoint: string): ByteLink {
  return { endpoint, isOpen: false, write: () => undefined, onData: () => undefined, onClose: () => undefined, close: async () => undefined };
}

async function openCouchLink(opts: CouchDriverOptions): Promise<ByteLink> {
  try {
    return await (opts.openLink ?? openByteLink)(opts.transport, opts.connectTimeoutMs);
  } catch (cause) {
    throw new BridgeError('LINK_CLOSED', `Modbus connect failed: ${(cause as Error).message}`, { field: describeLink(opts.transport), cause });
  }
}
