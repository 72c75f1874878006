/**
 * Linac beam-link driver. The heartbeat is a status request, so the linac's
 * own watchdog sees the bridge alive and the bridge sees both MU channels,
 * door and beam state, stamped with the clock.
 */
import { BehaviorSubject, type Observable } from 'rxjs';
import { BridgeError } from '../core/bridge-error.js';
import { BeamCmd, decodeBeamStatus, encodeArm, encodeMu, type ArmRequest, type BeamStatus } from '../protocol/beam-protocol.js';
import type { ByteLink } from '../transport/byte-link.js';
import type { DriverEvent } from './driver-event.js';
import { FramedClient } from './framed-client.js';
import type { LinkHealth } from './link-health.js';
import type { FramedDriverOptions } from './mlc-driver.js';
import { PollLoop } from './poll-loop.js';

export interface BeamSnapshot {
  readonly status: BeamStatus;
  /** Clock time the reply arrived, ms. */
  readonly atMs: number;
  /** Clock time the request was sent: the linac sampled its counters in [requestedAtMs, atMs], ms. */
  readonly requestedAtMs?: number;
}

export class BeamDriver {
  private readonly client: FramedClient;
  private readonly snapshots = new BehaviorSubject<BeamSnapshot | undefined>(undefined);
  private readonly poller: PollLoop;

  constructor(link: ByteLink, private readonly opts: FramedDriverOptions) {
    this.client = new FramedClient('beam', link, opts.clock, opts.staleAfterMs, (c) => BeamCmd[c] ?? `0x${c.toString(16)}`);
    this.poller = new PollLoop(opts.clock, opts.heartbeatMs, async () => void (await this.command(BeamCmd.Heartbeat)));
    this.poller.start();
  }

  get snapshot$(): Observable<BeamSnapshot | undefined> {
    return this.snapshots;
  }
  get latest(): BeamSnapshot | undefined {
    return this.snapshots.value;
  }
  get health$(): Observable<LinkHealth> {
    return this.client.health.health$;
  }
  get events$(): Observable<DriverEvent> {
    return this.client.events$;
  }
  get counters() {
    return this.client.counters;
  }
  isFresh(): boolean {
    return this.client.health.isFresh();
  }

  arm(a: ArmRequest): Promise<BeamStatus> {
    return this.command(BeamCmd.Arm, encodeArm(a));
  }
  setSegmentEnd(endMu: number): Promise<BeamStatus> {
    return this.command(BeamCmd.SetSegmentEnd, encodeMu(endMu));
  }
  beamOn(): Promise<BeamStatus> {
    return this.command(BeamCmd.BeamOn);
  }
  hold(): Promise<BeamStatus> {
    return this.command(BeamCmd.Hold);
  }
  terminate(): Promise<BeamStatus> {
    return this.command(BeamCmd.Terminate);
  }
  reset(): Promise<BeamStatus> {
    return this.command(BeamCmd.Reset);
  }
  status(): Promise<BeamStatus> {
    return this.command(BeamCmd.Status);
  }

  async close(): Promise<void> {
    this.poller.stop();
    await this.client.close();
    this.snapshots.complete();
  }

  /** Every reply carries the full status: each command refreshes the snapshot. */
  private async command(cmd: BeamCmd, payload: Buffer = Buffer.alloc(0)): Promise<BeamStatus> {
    const requestedAtMs = this.opts.clock.nowMs();
    const f = await this.client.request(cmd, payload, this.opts.requestTimeoutMs);
    const status = decodeBeamStatus(f.payload);
    if (!status) throw new BridgeError('FRAME_MALFORMED', 'status payload does not decode', { field: `beam.${BeamCmd[cmd]}` });
    if (!this.snapshots.closed) this.snapshots.next({ status, atMs: this.opts.clock.nowMs(), requestedAtMs });
    return status;
  }
}
