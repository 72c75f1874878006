/**
 * Simulated 6DOF couch behind the Modbus register map. Axes move together on
 * one trapezoidal profile within per-axis speed and acceleration limits; a
 * target outside the travel ranges is refused with a fault, never clamped.
 * The bridge must keep changing the watchdog register or motion stops.
 * Readback carries encoder noise; faults: stalled axis, drift (motion without
 * a command), uncompensated load sag, collision, and (for machine QA) a
 * calibration offset and backlash per axis.
 */
import { POSE_AXES, ZERO_POSE, isRotationAxis, type Pose6, type PoseAxis } from '../src/core/pose.js';
import { COUCH_DEVICE_TYPE, COUCH_MAP_REGISTERS, COUCH_MAP_VERSION, CouchCommand, CouchFault, CouchReg, decodePose, encodePose, encodeStatusWord } from '../src/protocol/couch-register-map.js';
import { gaussian as gauss, mulberry32 } from '../src/core/random.js';
import type { Steppable } from './physics-loop.js';
import { trapezoid, type Profile } from './trapezoid.js';

export interface CouchSimOptions {
  readonly ranges: Record<PoseAxis, { readonly min: number; readonly max: number }>;
  readonly translationMmPerS: number;
  readonly rotationDegPerS: number;
  readonly translationMmPerS2: number;
  readonly rotationDegPerS2: number;
  /** Watchdog register must change within this wall time, ms. */
  readonly watchdogMs: number;
  /** Encoder noise (1 SD) on readback: mm and degrees. */
  readonly noise: { readonly translationMm: number; readonly rotationDeg: number };
  readonly seed?: number;
}

/** Actual pose, status, fault code and the device tick belong to the couch. */
const READ_ONLY = new Set<number>([...Array.from({ length: 12 }, (_, i) => CouchReg.actualPose + i), CouchReg.status, CouchReg.faultCode, CouchReg.deviceTick, CouchReg.deviceType, CouchReg.mapVersion]);

interface Move {
  readonly from: Record<PoseAxis, number>;
  readonly to: Record<PoseAxis, number>;
  readonly profile: Profile;
  elapsedS: number;
}

export class CouchDevice implements Steppable {
  private readonly regs = new Uint16Array(COUCH_MAP_REGISTERS);
  private actual: Record<PoseAxis, number> = { ...ZERO_POSE };
  private target: Record<PoseAxis, number> = { ...ZERO_POSE };
  private move: Move | undefined;
  private targetValid = false;
  private fault = CouchFault.None;
  private sinceWatchdogMs = Number.POSITIVE_INFINITY;
  private tick = 0;
  private rand: () => number;
  /** Fault injection, all off by default. */
  readonly faults = {
    stalledAxis: undefined as PoseAxis | undefined, driftMmPerS: 0, sagMmPerMetre: 0,
    /** Calibration error per axis: the axis stops this far from its target (mm or deg); its encoder reads where it is. */
    offset: {} as Partial<Record<PoseAxis, number>>,
    /** Backlash per axis (mm or deg): calibrated approaching in +, approached in − the axis stops this far short (above its target). */
    backlash: {} as Partial<Record<PoseAxis, number>>,
  };
  /** The last target commanded per axis: the direction of approach, for backlash. */
  private lastCommanded: Record<PoseAxis, number>;

  constructor(readonly options: CouchSimOptions, initial: Pose6 = ZERO_POSE) {
    this.actual = { ...initial };
    this.target = { ...initial };
    this.lastCommanded = { ...initial };
    this.rand = mulberry32(options.seed ?? 1);
    this.sync();
  }

  /** True pose (no noise, no sag): what the patient experiences. */
  get pose(): Pose6 {
    return { ...this.actual };
  }

  get moving(): boolean {
    return this.move !== undefined;
  }

  read(address: number, count: number): number[] | undefined {
    if (address < 0 || address + count > COUCH_MAP_REGISTERS) return undefined;
    this.sync();
    return Array.from(this.regs.subarray(address, address + count));
  }

  write(address: number, values: readonly number[]): boolean {
    if (address < 0 || address + values.length > COUCH_MAP_REGISTERS) return false;
    for (let r = address; r < address + values.length; r++) if (READ_ONLY.has(r)) return false;
    values.forEach((v, i) => (this.regs[address + i] = v));
    for (let i = 0; i < values.length; i++) {
      const reg = address + i;
      if (reg === CouchReg.watchdog) this.sinceWatchdogMs = 0;
      if (reg === CouchReg.command) this.command(values[i]);
    }
    return true;
  }

  collide(): void {
    this.move = undefined;
    this.fault = CouchFault.Collision;
  }

  advance(dtMs: number, wallDtMs: number): void {
    this.tick = (this.tick + 1) & 0xffff;
    this.sinceWatchdogMs += wallDtMs;
    if (this.faults.driftMmPerS) this.actual.lateralMm += (this.faults.driftMmPerS * dtMs) / 1000;
    const m = this.move;
    if (!m) return;
    if (this.watchdogExpired()) {
      this.move = undefined;
      this.fault = CouchFault.Watchdog;
      return;
    }
    m.elapsedS += dtMs / 1000;
    const s = m.profile.position(m.elapsedS);
    for (const axis of POSE_AXES) {
      if (axis !== this.faults.stalledAxis) this.actual[axis] = m.from[axis] + (m.to[axis] - m.from[axis]) * s;
    }
    if (m.elapsedS >= m.profile.durationS) this.move = undefined; // a stalled axis stays short of its target
  }

  private watchdogExpired(): boolean {
    return this.sinceWatchdogMs > this.options.watchdogMs;
  }

  private command(cmd: number): void {
    if (cmd === CouchCommand.Stop) {
      this.move = undefined;
      return;
    }
    if (cmd === CouchCommand.ResetFault) {
      this.fault = CouchFault.None;
      return;
    }
    if (cmd !== CouchCommand.Move || this.fault !== CouchFault.None || this.watchdogExpired()) return;
    const target = decodePose(this.regs, CouchReg.targetPose);
    const outside = POSE_AXES.find((axis) => target[axis] < this.options.ranges[axis].min || target[axis] > this.options.ranges[axis].max);
    if (outside) {
      this.targetValid = false;
      this.fault = CouchFault.TargetOutOfRange;
      return;
    }
    this.target = this.aimFor(target);
    this.lastCommanded = { ...target };
    this.targetValid = true;
    // one normalised profile: the axis that needs longest sets speed and acceleration for all
    let v = Number.POSITIVE_INFINITY;
    let a = Number.POSITIVE_INFINITY;
    for (const axis of POSE_AXES) {
      const d = Math.abs(this.target[axis] - this.actual[axis]);
      if (d < 1e-9) continue;
      const rot = isRotationAxis(axis);
      v = Math.min(v, (rot ? this.options.rotationDegPerS : this.options.translationMmPerS) / d);
      a = Math.min(a, (rot ? this.options.rotationDegPerS2 : this.options.translationMmPerS2) / d);
    }
    if (!Number.isFinite(v)) return; // already there
    this.move = { from: { ...this.actual }, to: { ...this.target }, profile: trapezoid(v, a), elapsedS: 0 };
  }

  /**
   * Where the axes really go for a commanded target: the target plus each axis's injected
   * offset, plus its backlash when the axis is driven in the negative direction. An axis
   * whose commanded value does not change does not move. The controller believes it is at
   * its target there (status in position); only the encoders show otherwise.
   */
  private aimFor(target: Pose6): Record<PoseAxis, number> {
    const out = { ...target };
    for (const axis of POSE_AXES) {
      const offset = this.faults.offset[axis] ?? 0;
      const backlash = this.faults.backlash[axis] ?? 0;
      if (offset === 0 && backlash === 0) continue;
      const step = target[axis] - this.lastCommanded[axis];
      out[axis] = Math.abs(step) < 1e-9 ? this.target[axis] : target[axis] + offset + (step < 0 ? backlash : 0);
    }
    return out;
  }

  /** Readback = true pose + encoder noise (+ injected sag on the vertical). */
  private readback(): Pose6 {
    const out = { ...this.actual };
    for (const axis of POSE_AXES) out[axis] += gauss(this.rand) * (isRotationAxis(axis) ? this.options.noise.rotationDeg : this.options.noise.translationMm);
    out.verticalMm -= (this.faults.sagMmPerMetre * Math.abs(this.actual.longitudinalMm)) / 1000;
    return out;
  }

  private sync(): void {
    this.regs.set(encodePose(this.readback()), CouchReg.actualPose);
    const atTarget = POSE_AXES.every((axis) => Math.abs(this.actual[axis] - this.target[axis]) < 1e-3);
    this.regs[CouchReg.status] = encodeStatusWord({
      moving: this.moving, inPosition: !this.moving && atTarget && this.targetValid, fault: this.fault !== CouchFault.None,
      targetValid: this.targetValid, enabled: !this.watchdogExpired(), watchdogExpired: this.watchdogExpired(),
    });
    this.regs[CouchReg.faultCode] = this.fault;
    this.regs[CouchReg.deviceTick] = this.tick;
    this.regs[CouchReg.deviceType] = COUCH_DEVICE_TYPE;
    this.regs[CouchReg.mapVersion] = COUCH_MAP_VERSION;
  }
}
