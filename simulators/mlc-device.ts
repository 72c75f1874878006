/**
 * Simulated MLC controller: leaves move toward their targets at the model's
 * maximum speed; targets are checked against travel, minimum gap and (when the
 * model forbids it) interdigitation. Own device logic; shares only the codec.
 */
import type { Frame } from '../src/protocol/frame-codec.js';
import { NakReason } from '../src/protocol/frame-codec.js';
import {
  MLC_REQUEST_PAYLOAD_BYTES,
  MlcCmd,
  decodePositions,
  decodeTrajectoryChunk,
  positionsAt,
  type TrajectoryPoint,
  encodeIdentity,
  encodePositions,
  encodeStatus,
  type MlcPositions,
} from '../src/protocol/mlc-protocol.js';
import type { DeviceReply, FramedDevice } from './framed-device-host.js';
import type { Steppable } from './physics-loop.js';
import { LeafLag } from './leaf-lag.js';

export interface MlcSimOptions {
  readonly model: string;
  readonly leafPairs: number;
  readonly maxLeafSpeedMmPerS: number;
  readonly minGapMm: number;
  readonly interdigitation: boolean;
  readonly travel: { readonly minMm: number; readonly maxMm: number };
}

type Bank = 'A' | 'B';

/** An injected leaf fault: a calibration offset (mm, +X_b) and/or a maximum speed (mm/s at the isocentre). */
export interface LeafFault {
  readonly offsetMm?: number;
  readonly speedMmPerS?: number;
}

const leafKey = (bank: Bank, leafNumber1Based: number): string => `${bank}${leafNumber1Based}`;

/** Leaves the device regards as arrived (its own criterion; the bridge checks readback itself). */
const ARRIVED_MM = 0.05;

export class MlcDevice implements FramedDevice, Steppable {
  private a: number[];
  private b: number[];
  private targetA: number[];
  private targetB: number[];
  private moving = false;
  private targetsLoaded = false;
  private tick = 0;
  /** Injected faults: leaves (bank A index) that do not move; a fault code to report. */
  readonly faults = { stuckLeavesA: new Set<number>(), faultCode: 0 };
  /** Injected fault: the leaves follow their targets late (`leafLag.fault = { lagMs } | { lagMm }`). */
  readonly leafLag = new LeafLag();
  /** Per-leaf faults by `leafKey` ("A17"): a calibration offset and/or a speed limit (`setLeafFault`). */
  private readonly leafFaults = new Map<string, LeafFault>();
  private trajectory: TrajectoryPoint[] = [];
  private trajectoryTotal = 0;
  private following = false;
  private holdOff = false;
  /** The linac's delivered-dose fraction (0..1) for trajectory mode; wired by the room. */
  doseFraction: () => number = () => 0;
  /** A leaf further than this from its trajectory holds the beam off, mm. */
  holdOffToleranceMm = 2;

  constructor(readonly options: MlcSimOptions) {
    const n = options.leafPairs;
    const half = options.minGapMm / 2;
    this.a = new Array(n).fill(half);
    this.b = new Array(n).fill(-half);
    this.targetA = [...this.a];
    this.targetB = [...this.b];
  }

  /**
   * The controller restarts (a power cycle): leaves where it powers up (closed to the minimum gap),
   * no targets, no trajectory, its tick from 0. Injected faults stay (they are the hardware's).
   */
  powerCycle(): void {
    const half = this.options.minGapMm / 2;
    this.a = new Array(this.options.leafPairs).fill(half);
    this.b = new Array(this.options.leafPairs).fill(-half);
    this.targetA = [...this.a];
    this.targetB = [...this.b];
    this.moving = this.targetsLoaded = this.following = this.holdOff = false;
    this.trajectory = [];
    this.trajectoryTotal = 0;
    this.tick = 0;
  }

  /** What the controller believes (its encoders): the readback it reports. */
  get positions(): MlcPositions {
    return { bankAMm: [...this.a], bankBMm: [...this.b] };
  }

  /** Where the leaf tips really stand (readback + each leaf's calibration offset): what the beam sees. */
  get truePositions(): MlcPositions {
    const off = (bank: Bank, v: number, i: number) => v + (this.leafFaults.get(leafKey(bank, i + 1))?.offsetMm ?? 0);
    return { bankAMm: this.a.map((v, i) => off('A', v, i)), bankBMm: this.b.map((v, i) => off('B', v, i)) };
  }

  /**
   * Fault injection on one leaf (bank A = X2, bank B = X1; leaf 1 = pair 0, the most negative Y_b;
   * docs/qa-mlc.md). `offsetMm`: the leaf stands that far (+X_b) from where its controller reads it,
   * so the readback shows the target (a calibration error). `speedMmPerS`: the leaf moves no faster.
   * An empty fault clears the leaf.
   */
  setLeafFault(bank: Bank, leafNumber1Based: number, fault: LeafFault): void {
    if (!Number.isInteger(leafNumber1Based) || leafNumber1Based < 1 || leafNumber1Based > this.options.leafPairs) throw new RangeError(`leaf ${bank}${leafNumber1Based}: leaves are numbered 1..${this.options.leafPairs}`);
    if (fault.speedMmPerS !== undefined && !(fault.speedMmPerS > 0)) throw new RangeError(`leaf ${bank}${leafNumber1Based}: speedMmPerS must be > 0`);
    if (fault.offsetMm === undefined && fault.speedMmPerS === undefined) this.leafFaults.delete(leafKey(bank, leafNumber1Based));
    else this.leafFaults.set(leafKey(bank, leafNumber1Based), { ...fault });
  }

  handle(frame: Frame): DeviceReply {
    const expectedBytes = MLC_REQUEST_PAYLOAD_BYTES[frame.cmd as MlcCmd];
    if (expectedBytes !== undefined && frame.payload.length !== expectedBytes) return { nak: NakReason.BadPayload };
    switch (frame.cmd) {
      case MlcCmd.Identify:
        return { payload: encodeIdentity({ model: this.options.model, leafPairs: this.options.leafPairs, firmware: 'sim-1.0' }) };
      case MlcCmd.SetTargets:
        return this.setTargets(frame.payload);
      case MlcCmd.Move:
        if (!this.targetsLoaded || this.faults.faultCode) return { nak: NakReason.NotAllowedInState };
        this.moving = true;
        return { payload: Buffer.alloc(0) };
      case MlcCmd.Stop:
        this.moving = false;
        this.following = false;
        this.holdOff = false;
        this.targetA = [...this.a];
        this.targetB = [...this.b];
        return { payload: Buffer.alloc(0) };
      case MlcCmd.ReadPositions:
        return { payload: encodePositions(this.positions) };
      case MlcCmd.Status:
      case MlcCmd.Heartbeat:
        return { payload: encodeStatus(this.status()) };
      case MlcCmd.ResetFault:
        this.faults.faultCode = 0;
        return { payload: Buffer.alloc(0) };
      case MlcCmd.LoadTrajectory:
        return this.loadTrajectory(frame.payload);
      case MlcCmd.StartTrajectory:
        if (this.trajectory.length !== this.trajectoryTotal || this.trajectoryTotal < 2) return { nak: NakReason.NotAllowedInState };
        this.following = true;
        this.moving = true;
        this.holdOff = this.offTrajectory(); // judged as it starts: no dose while the leaves are still off-plan
        return { payload: Buffer.alloc(0) };
      default:
        return { nak: NakReason.UnknownCommand };
    }
  }

  /** True while the controller holds the beam off (a leaf lags its trajectory). */
  get beamHoldOff(): boolean {
    return this.holdOff;
  }

  advance(dtMs: number): void {
    this.tick++;
    if (this.following) {
      const want = positionsAt(this.trajectory, this.doseFraction());
      this.targetA = [...want.bankAMm];
      this.targetB = [...want.bankBMm];
    }
    if (!this.moving) return;
    const step = (this.options.maxLeafSpeedMmPerS * dtMs) / 1000;
    const move = (cur: number, tgt: number): number => (Math.abs(tgt - cur) <= step ? tgt : cur + Math.sign(tgt - cur) * step);
    const go = this.leafLag.targets(dtMs, this.targetA, this.targetB, this.a, this.b);
    for (let i = 0; i < this.a.length; i++) {
      if (!this.faults.stuckLeavesA.has(i)) this.a[i] = this.leafFaults.size ? this.moveLeaf('A', i, this.a[i], go.a[i], step, dtMs) : move(this.a[i], go.a[i]);
      this.b[i] = this.leafFaults.size ? this.moveLeaf('B', i, this.b[i], go.b[i], step, dtMs) : move(this.b[i], go.b[i]);
    }
    if (this.following) {
      this.holdOff = this.maxError() > this.holdOffToleranceMm;
      if (this.doseFraction() >= 1 && this.maxError() <= ARRIVED_MM) {
        this.following = false;
        this.moving = false;
      }
      return;
    }
    if (this.maxError() <= ARRIVED_MM) this.moving = false;
    else if (this.faults.stuckLeavesA.size && this.a.every((v, i) => this.faults.stuckLeavesA.has(i) || v === this.targetA[i]) && this.b.every((v, i) => v === this.targetB[i])) {
      // Only stuck leaves are left: the controller reports a motion fault and stops.
      this.faults.faultCode = 1;
      this.moving = false;
    }
  }

  /** One leaf's step toward its target, no faster than its injected speed limit. */
  private moveLeaf(bank: Bank, i: number, cur: number, tgt: number, step: number, dtMs: number): number {
    const limit = this.leafFaults.get(leafKey(bank, i + 1))?.speedMmPerS;
    const s = limit === undefined ? step : Math.min(step, (limit * dtMs) / 1000);
    return Math.abs(tgt - cur) <= s ? tgt : cur + Math.sign(tgt - cur) * s;
  }

  private setTargets(payload: Buffer): DeviceReply {
    const pos = decodePositions(payload);
    if (!pos || pos.bankAMm.length !== this.options.leafPairs) return { nak: NakReason.BadPayload };
    if (this.moving) return { nak: NakReason.NotAllowedInState };
    if (!this.targetsValid(pos)) return { nak: NakReason.OutOfRange };
    this.targetA = [...pos.bankAMm];
    this.targetB = [...pos.bankBMm];
    this.targetsLoaded = true;
    return { payload: Buffer.alloc(0) };
  }

  private loadTrajectory(payload: Buffer): DeviceReply {
    const chunk = decodeTrajectoryChunk(payload);
    if (!chunk || chunk.points.some((p) => p.positions.bankAMm.length !== this.options.leafPairs)) return { nak: NakReason.BadPayload };
    if (this.following) return { nak: NakReason.NotAllowedInState };
    if (chunk.start === 0) this.trajectory = [];
    if (chunk.start !== this.trajectory.length || chunk.start + chunk.points.length > chunk.total) return { nak: NakReason.BadPayload };
    if (!chunk.points.every((p) => this.targetsValid(p.positions))) return { nak: NakReason.OutOfRange };
    this.trajectory.push(...chunk.points);
    this.trajectoryTotal = chunk.total;
    return { payload: Buffer.alloc(0) };
  }

  private targetsValid(p: MlcPositions): boolean {
    const { minMm, maxMm } = this.options.travel;
    const eps = 1e-6;
    for (let i = 0; i < p.bankAMm.length; i++) {
      const a = p.bankAMm[i];
      const b = p.bankBMm[i];
      if (a < minMm || a > maxMm || b < minMm || b > maxMm) return false;
      if (a - b < this.options.minGapMm - eps) return false;
      if (!this.options.interdigitation) {
        const nbA = [p.bankAMm[i - 1], p.bankAMm[i + 1]].filter((v) => v !== undefined);
        if (nbA.some((na) => na - b < this.options.minGapMm - eps)) return false;
      }
    }
    return true;
  }

  /** Retargets on the trajectory at the delivered dose; true when a leaf is beyond the hold-off tolerance. */
  private offTrajectory(): boolean {
    const want = positionsAt(this.trajectory, this.doseFraction());
    this.targetA = [...want.bankAMm];
    this.targetB = [...want.bankBMm];
    return this.maxError() > this.holdOffToleranceMm;
  }

  private maxError(): number {
    let m = 0;
    for (let i = 0; i < this.a.length; i++) m = Math.max(m, Math.abs(this.a[i] - this.targetA[i]), Math.abs(this.b[i] - this.targetB[i]));
    return m;
  }

  private status() {
    const err = this.maxError();
    return { moving: this.moving, inPosition: !this.moving && err <= ARRIVED_MM, fault: this.faults.faultCode !== 0, targetsLoaded: this.targetsLoaded, trajectoryMode: this.following, holdOff: this.holdOff, faultCode: this.faults.faultCode, maxErrorMm: err, tick: this.tick };
  }
}
