/**
 * What every device driver shows, declared once (serialport's `BindingInterface`
 * is the model): state out as `snapshot$` / `latest`, link health and
 * freshness, events and counters for the journal, and `close()`. Commands are
 * each driver's own. `FramedDriver` is the shared part of the drivers on a
 * framed request/response link (MLC controller, linac beam link): the client,
 * the snapshot subject, the heartbeat poll and these getters. Before its
 * first heartbeat on every connection a framed driver asks the device what it
 * is (IDENTIFY); until the answer is the configured device the link stays stale
 * and only IDENTIFY is sent, once per heartbeat.
 */
import { BehaviorSubject, type Observable } from 'rxjs';
import { BridgeError } from '../core/bridge-error.js';
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

/** A device's identity against the configured one, each as one line of text (reported as they are). */
export interface IdentityCheck {
  readonly ok: boolean;
  readonly expected: string;
  readonly actual: string;
}

export abstract class FramedDriver<S> implements DeviceDriver<S> {
  protected readonly client: FramedClient;
  protected readonly snapshots = new BehaviorSubject<S | undefined>(undefined);
  private readonly poller: PollLoop;
  /** The mismatch last reported (each distinct answer once), cleared when the identity is confirmed. */
  private reportedMismatch: string | undefined;

  protected constructor(device: string, link: ByteLink, protected readonly opts: FramedDriverOptions, cmdName: (cmd: number) => string) {
    this.client = new FramedClient(device, link, opts.clock, opts.staleAfterMs, cmdName);
    this.poller = new PollLoop(opts.clock, opts.heartbeatMs, () => this.pollIdentified());
  }

  /** The heartbeat: one poll per heartbeatMs that refreshes the snapshot. */
  protected abstract poll(): Promise<void>;

  /** Asks the device what it is and compares the answer with the configured device (request errors are the caller's). */
  protected abstract checkIdentity(): Promise<IdentityCheck>;

  /** The configured device, as `checkIdentity` names it (for a device that gives no identity). */
  protected abstract expectedIdentity(): string;

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

  /** The heartbeat, once the device on this connection has proved to be the configured one. */
  private async pollIdentified(): Promise<void> {
    if (!this.client.health.isIdentified && !(await this.confirmIdentity())) return;
    await this.poll();
  }

  /** True when the device's identity is the expected one; a mismatch is reported once per distinct answer. */
  private async confirmIdentity(): Promise<boolean> {
    let check: IdentityCheck;
    try {
      check = await this.checkIdentity();
    } catch (e) {
      if (e instanceof BridgeError && e.code === 'LINK_CLOSED') return false; // nothing there: reported by the transport
      const actual = e instanceof BridgeError && e.code === 'REQUEST_TIMEOUT' ? `no identity within ${this.opts.requestTimeoutMs} ms` : `no identity (${(e as Error).message})`;
      check = { ok: false, expected: this.expectedIdentity(), actual };
    }
    if (check.ok) {
      this.reportedMismatch = undefined;
      this.client.health.identityConfirmed();
      return true;
    }
    if (check.actual !== this.reportedMismatch && !this.client.events$.closed) {
      this.reportedMismatch = check.actual;
      this.client.events$.next({ type: 'link-identity-mismatch', device: this.client.device, expected: check.expected, actual: check.actual });
    }
    return false;
  }

  async close(): Promise<void> {
    this.poller.stop();
    await this.client.close();
    this.snapshots.complete();
  }
}
