/**
 * What every device driver shows, declared once (serialport's `BindingInterface`
 * is the model): state out as `snapshot$` / `latest`, link health and
 * freshness, events and counters for the journal, and `close()`. Commands are
 * each driver's own. `FramedDriver` is the shared part of the drivers on a
 * framed request/response link (MLC controller, linac beam link): the client,
 * the snapshot subject, the heartbeat poll and these getters.
 */
import { BehaviorSubject, type Observable } from 'rxjs';
import type { Clock } from '../core/clock.js';
import type { ByteLink } from '../transport/byte-link.js';
import type { DriverCounters, DriverEvent } from './driver-event.js';
import { FramedClient } from './framed-client.js';
import type { LinkHealth } from './link-health.js';
import { PollLoop } from './poll-loop.js';

export interface DeviceDriver<S> {
  /** Readback, stamped with the clock; undefined until the first valid reply. */
  readonly snapshot$: Observable<S | undefined>;
  readonly latest: S | undefined;
  readonly health$: Observable<LinkHealth>;
  readonly events$: Observable<DriverEvent>;
  readonly counters: DriverCounters;
  /** A valid reply arrived within the link's staleAfterMs. */
  isFresh(): boolean;
  close(): Promise<void>;
}

export interface FramedDriverOptions {
  readonly clock: Clock;
  readonly requestTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
}

export abstract class FramedDriver<S> implements DeviceDriver<S> {
  protected readonly client: FramedClient;
  protected readonly snapshots = new BehaviorSubject<S | undefined>(undefined);
  private readonly poller: PollLoop;

  protected constructor(device: string, link: ByteLink, protected readonly opts: FramedDriverOptions, cmdName: (cmd: number) => string) {
    this.client = new FramedClient(device, link, opts.clock, opts.staleAfterMs, cmdName);
    this.poller = new PollLoop(opts.clock, opts.heartbeatMs, () => this.poll());
  }

  /** The heartbeat: one poll per heartbeatMs that refreshes the snapshot. */
  protected abstract poll(): Promise<void>;

  /** Starts the heartbeat; called by the subclass at the end of its constructor (its fields are set by then). */
  protected startPolling(): void {
    this.poller.start();
  }

  get snapshot$(): Observable<S | undefined> {
    return this.snapshots;
  }
  get latest(): S | undefined {
    return this.snapshots.value;
  }
  get health$(): Observable<LinkHealth> {
    return this.client.health.health$;
  }
  get events$(): Observable<DriverEvent> {
    return this.client.events$;
  }
  get counters(): DriverCounters {
    return this.client.counters;
  }
  isFresh(): boolean {
    return this.client.health.isFresh();
  }

  async close(): Promise<void> {
    this.poller.stop();
    await this.client.close();
    this.snapshots.complete();
  }
}
