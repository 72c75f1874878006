/**
 * 6DOF couch driver over Modbus TCP or RTU (modbus-serial). One request in flight per
 * bus through a queue; position polled every pollMs; the watchdog register
 * written every heartbeatMs; reads are retried once, writes never (not idempotent
 * for the command register). A client whose port closed, or that has had no valid
 * reply for `reconnectAfterMs` (a half-open TCP connection never reports itself),
 * is replaced by a fresh one, with backoff; the link stays stale until the couch answers.
 */
import mb from 'modbus-serial';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { BridgeError } from '../core/bridge-error.js';
import type { Clock } from '../core/clock.js';
import type { Pose6 } from '../core/pose.js';
import { COUCH_REGISTER_COUNT, CouchCommand, CouchReg, decodePose, decodeStatusRegisters, encodePose, type CouchStatus } from '../protocol/couch-register-map.js';
import type { DriverCounters, DriverEvent } from './driver-event.js';
import { LinkHealthMonitor, type LinkHealth } from './link-health.js';
import { mapModbusError } from './modbus-errors.js';
import { PollLoop } from './poll-loop.js';

// CommonJS package under NodeNext: the class is the default export's `default`.
const ModbusRTU = mb.default;
type ModbusClient = InstanceType<typeof ModbusRTU>;

export type CouchTransport = { readonly kind: 'tcp'; readonly host: string; readonly port: number } | { readonly kind: 'serial'; readonly path: string; readonly baudRate: number };

export interface CouchDriverOptions {
  readonly clock: Clock;
  /** Modbus TCP, or Modbus RTU over a serial line (`kind: 'serial'`). */
  readonly transport: CouchTransport;
  readonly unitId: number;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly pollMs: number;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  /** Silence after which the connection is torn down and reopened (default 4 × staleAfterMs). */
  readonly reconnectAfterMs?: number;
}

/** Waits before successive reconnect attempts, ms; the last one repeats. */
const RECONNECT_BACKOFF_MS = [100, 250, 500, 1000, 2000] as const;

async function openClient(opts: CouchDriverOptions): Promise<ModbusClient> {
  const client = new ModbusRTU();
  const t = opts.transport;
  const where = t.kind === 'tcp' ? `tcp://${t.host}:${t.port}` : `rtu:${t.path}@${t.baudRate}`;
  try {
    if (t.kind === 'tcp') await client.connectTCP(t.host, { port: t.port, timeout: opts.connectTimeoutMs } as never);
    else await client.connectRTUBuffered(t.path, { baudRate: t.baudRate });
  } catch (cause) {
    throw new BridgeError('LINK_CLOSED', `Modbus connect failed: ${(cause as Error).message}`, { field: where, cause });
  }
  client.setID(opts.unitId);
  client.setTimeout(opts.requestTimeoutMs);
  return client;
}

export interface CouchSnapshot {
  readonly actual: Pose6;
  readonly target: Pose6;
  readonly status: CouchStatus;
  readonly atMs: number;
}

export class CouchDriver {
  private readonly snapshots = new BehaviorSubject<CouchSnapshot | undefined>(undefined);
  private readonly events = new Subject<DriverEvent>();
  private readonly health: LinkHealthMonitor;
  private readonly poller: PollLoop;
  private readonly watchdog: PollLoop;
  private queue: Promise<unknown> = Promise.resolve();
  private watchdogCounter = 0;
  private reconnecting = false;
  private closed = false;
  private connectedAtMs: number;
  readonly counters: DriverCounters = { framesRejected: 0, timeouts: 0, naks: 0, unexpected: 0 };
  readonly reconnects = { attempts: 0, succeeded: 0 };

  private constructor(private client: ModbusClient, private readonly opts: CouchDriverOptions) {
    this.connectedAtMs = opts.clock.nowMs();
    this.health = new LinkHealthMonitor(opts.clock, opts.staleAfterMs);
    this.health.health$.subscribe((h) => this.events.next(h.fresh ? { type: 'link-fresh', device: 'couch' } : { type: 'link-stale', device: 'couch', lastValidRxMs: h.lastValidRxMs }));
    this.health.start();
    this.poller = new PollLoop(opts.clock, opts.pollMs, () => this.poll());
    this.watchdog = new PollLoop(opts.clock, opts.heartbeatMs, async () => {
      if (this.reconnecting) return;
      await this.enqueue('watchdog', () => this.client.writeRegister(CouchReg.watchdog, ++this.watchdogCounter & 0xffff));
    });
    this.poller.start();
    this.watchdog.start();
  }

  static async connect(opts: CouchDriverOptions): Promise<CouchDriver> {
    return new CouchDriver(await openClient(opts), opts);
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
    await this.enqueue('target', () => this.client.writeRegisters(CouchReg.targetPose, regs));
    await this.enqueue('moveId', () => this.client.writeRegister(CouchReg.moveId, moveId & 0xffff));
    await this.enqueue('command', () => this.client.writeRegister(CouchReg.command, CouchCommand.Move));
  }

  async stop(): Promise<void> {
    await this.enqueue('command', () => this.client.writeRegister(CouchReg.command, CouchCommand.Stop));
  }

  async resetFault(): Promise<void> {
    await this.enqueue('command', () => this.client.writeRegister(CouchReg.command, CouchCommand.ResetFault));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.poller.stop();
    this.watchdog.stop();
    this.health.stop();
    await this.queue.catch(() => undefined);
    await new Promise<void>((resolve) => (this.client.isOpen ? this.client.close(() => resolve()) : resolve()));
    this.snapshots.complete();
    this.events.complete();
  }

  private async poll(): Promise<void> {
    if (this.reconnecting) return;
    if (this.connectionLost()) return this.reconnect();
    let data: number[];
    try {
      data = (await this.enqueue('poll', () => this.client.readHoldingRegisters(0, COUCH_REGISTER_COUNT))).data;
    } catch (e) {
      if (!(e instanceof BridgeError) || e.code !== 'FRAME_MALFORMED') throw e;
      data = (await this.enqueue('poll-retry', () => this.client.readHoldingRegisters(0, COUCH_REGISTER_COUNT))).data; // idempotent: one retry
    }
    this.snapshots.next({ actual: decodePose(data, CouchReg.actualPose), target: decodePose(data, CouchReg.targetPose), status: decodeStatusRegisters(data), atMs: this.opts.clock.nowMs() });
  }

  /** The port closed, or nothing valid came back for reconnectAfterMs (since the last reply or the last connect). */
  private connectionLost(): boolean {
    if (!this.client.isOpen) return true;
    const last = Math.max(this.health.lastValidRxMs ?? -Infinity, this.connectedAtMs);
    return this.opts.clock.nowMs() - last > (this.opts.reconnectAfterMs ?? 4 * this.opts.staleAfterMs);
  }

  /** Drops the client and opens a new one with backoff; the queue's requests fail meanwhile. */
  private async reconnect(): Promise<void> {
    this.reconnecting = true;
    this.health.invalidate();
    this.events.next({ type: 'link-closed', device: 'couch', reason: this.client.isOpen ? `no valid reply for ${this.opts.reconnectAfterMs ?? 4 * this.opts.staleAfterMs} ms` : 'port closed' });
    const old = this.client;
    await new Promise<void>((resolve) => (old.isOpen ? old.close(() => resolve()) : resolve()));
    for (let failures = 0; !this.closed; failures++) {
      await new Promise<void>((r) => this.opts.clock.setTimeout(r, RECONNECT_BACKOFF_MS[Math.min(failures, RECONNECT_BACKOFF_MS.length - 1)]));
      if (this.closed) break;
      this.reconnects.attempts++;
      try {
        const client = await openClient(this.opts);
        if (this.closed) {
          client.close(() => undefined);
          break;
        }
        this.client = client;
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
        const r = await fn();
        this.health.touch();
        return r;
      } catch (e) {
        throw this.failed(e, what);
      }
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private failed(e: unknown, what: string): BridgeError {
    const error = mapModbusError(e, `couch.${what}`, this.opts.requestTimeoutMs);
    if (error.code === 'FRAME_MALFORMED' || error.code === 'FRAME_CRC') {
      this.counters.framesRejected++;
      this.events.next({ type: 'frame-rejected', device: 'couch', error, rawHex: '' });
    } else {
      if (error.code === 'REQUEST_TIMEOUT') this.counters.timeouts++;
      if (error.code === 'DEVICE_REJECTED') this.counters.naks++;
      this.events.next({ type: 'request-failed', device: 'couch', error, cmd: what });
    }
    return error;
  }
}
