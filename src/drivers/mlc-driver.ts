/**
 * MLC controller driver over a framed byte link (serialport or TCP).
 * State out: `snapshot$` (readback positions + status, stamped with the clock);
 * commands in: promises with timeouts. The heartbeat is the status poll.
 */
import { BridgeError } from '../core/bridge-error.js';
import { MlcCmd, decodeIdentity, decodePositions, decodeStatus, encodeHeartbeat, encodePositions, encodeTrajectoryChunk, type MlcIdentity, type MlcPositions, type MlcStatus, type TrajectoryPoint } from '../protocol/mlc-protocol.js';
import type { ByteLink } from '../transport/byte-link.js';
import { FramedDriver, type FramedDriverOptions, type IdentityCheck } from './device-driver.js';

export type { FramedDriverOptions } from './device-driver.js';

export interface MlcSnapshot {
  readonly positions: MlcPositions;
  readonly status: MlcStatus;
  /** Clock time the readback arrived, ms. */
  readonly atMs: number;
  /** Clock time the positions request was sent: the controller sampled the leaves in [requestedAtMs, atMs], ms. */
  readonly requestedAtMs?: number;
}

/** The configured MLC model the controller must report (its id and leaf-pair count). */
export interface ExpectedMlc {
  readonly model: string;
  readonly leafPairs: number;
}

export class MlcDriver extends FramedDriver<MlcSnapshot> {
  private heartbeatCounter = 0;

  /** `expected`: the configured model; without it any MLC controller that identifies itself is accepted. */
  constructor(link: ByteLink, opts: FramedDriverOptions, private readonly expected?: ExpectedMlc) {
    super('mlc', link, opts, (c) => MlcCmd[c] ?? `0x${c.toString(16)}`);
    this.startPolling();
  }

  async identify(): Promise<MlcIdentity> {
    const f = await this.client.request(MlcCmd.Identify, Buffer.alloc(0), this.opts.requestTimeoutMs);
    return this.decoded(decodeIdentity(f.payload), 'identify');
  }

  async setTargets(targets: MlcPositions): Promise<void> {
    await this.client.request(MlcCmd.SetTargets, encodePositions(targets), this.opts.requestTimeoutMs);
  }

  async move(): Promise<void> {
    await this.client.request(MlcCmd.Move, Buffer.alloc(0), this.opts.requestTimeoutMs);
  }

  async stop(): Promise<void> {
    await this.client.request(MlcCmd.Stop, Buffer.alloc(0), this.opts.requestTimeoutMs);
  }

  async resetFault(): Promise<void> {
    await this.client.request(MlcCmd.ResetFault, Buffer.alloc(0), this.opts.requestTimeoutMs);
  }

  /** Loads a dynamic trajectory (MU-indexed control points) in frame-sized chunks. */
  async loadTrajectory(points: readonly TrajectoryPoint[]): Promise<void> {
    const perFrame = Math.max(1, Math.floor(1000 / (5 + 4 * points[0].positions.bankAMm.length)));
    for (let start = 0; start < points.length; start += perFrame) {
      await this.client.request(MlcCmd.LoadTrajectory, encodeTrajectoryChunk(start, points.length, points.slice(start, start + perFrame)), this.opts.requestTimeoutMs);
    }
  }

  /** From now on the leaves follow the loaded trajectory by the linac's delivered-dose fraction. */
  async startTrajectory(): Promise<void> {
    await this.client.request(MlcCmd.StartTrajectory, Buffer.alloc(0), this.opts.requestTimeoutMs);
  }

  async readPositions(): Promise<MlcPositions> {
    const f = await this.client.request(MlcCmd.ReadPositions, Buffer.alloc(0), this.opts.requestTimeoutMs);
    return this.decoded(decodePositions(f.payload), 'readPositions');
  }

  /** An MLC identity reply, with the configured model and leaf-pair count when the config names them. */
  protected async checkIdentity(): Promise<IdentityCheck> {
    const id = await this.identify();
    const actual = `MLC ${id.model} with ${id.leafPairs} leaf pairs (firmware ${id.firmware})`;
    const ok = this.expected === undefined || (id.model === this.expected.model && id.leafPairs === this.expected.leafPairs);
    return { ok, expected: this.expectedIdentity(), actual };
  }

  protected expectedIdentity(): string {
    return this.expected ? `MLC ${this.expected.model} with ${this.expected.leafPairs} leaf pairs` : 'an MLC controller';
  }

  protected async poll(): Promise<void> {
    const hb = await this.client.request(MlcCmd.Heartbeat, encodeHeartbeat(++this.heartbeatCounter), this.opts.requestTimeoutMs);
    const status = this.decoded(decodeStatus(hb.payload), 'heartbeat');
    const requestedAtMs = this.opts.clock.nowMs();
    const positions = await this.readPositions();
    this.snapshots.next({ positions, status, atMs: this.opts.clock.nowMs(), requestedAtMs });
  }

  private decoded<T>(v: T | undefined, what: string): T {
    if (v === undefined) throw new BridgeError('FRAME_MALFORMED', 'reply payload does not decode', { field: `mlc.${what}` });
    return v;
  }
}
