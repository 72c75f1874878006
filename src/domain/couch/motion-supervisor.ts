/**
 * Watches couch readback against what was commanded. During an approved move
 * the pose must follow the straight line from start to target (all axes move
 * together), keep making progress, not pass the target, and finish in time.
 * With no move commanded the couch must stay where it stopped. Any breach is
 * a motion fault: the bridge stops the couch and latches IL-COUCH-MOTION.
 * Pure: time comes in with each observation.
 */
import type { CouchModel } from '../../config/couch-model.js';
import { POSE_AXES, isRotationAxis, type Pose6, type PoseAxis } from '../../core/pose.js';

export interface MotionLimits {
  /** Allowed distance from the commanded line, per axis. */
  readonly deviationMm: number;
  readonly deviationDeg: number;
  /** Allowed travel past the target, per axis. */
  readonly overshootMm: number;
  readonly overshootDeg: number;
  /** No progress for this long while a move is under way is a stall, ms. */
  readonly stallMs: number;
  /** A move may take this × its planned duration + 2 s. */
  readonly timeoutFactor: number;
  /** Motion without a command beyond this is a fault. */
  readonly unexpectedMm: number;
  readonly unexpectedDeg: number;
}

export const DEFAULT_MOTION_LIMITS: MotionLimits = { deviationMm: 1.0, deviationDeg: 0.3, overshootMm: 0.5, overshootDeg: 0.2, stallMs: 500, timeoutFactor: 1.5, unexpectedMm: 1.0, unexpectedDeg: 0.3 };

export type MotionFaultKind = 'stall' | 'deviation' | 'overshoot' | 'timeout' | 'unexpected-motion';

export interface MotionFault {
  readonly kind: MotionFaultKind;
  readonly axis?: PoseAxis;
  readonly actual?: number;
  readonly limit?: number;
  readonly reason: string;
}

interface ActiveMove {
  readonly from: Pose6;
  readonly to: Pose6;
  readonly moveId: number;
  readonly startMs: number;
  readonly plannedMs: number;
  bestProgress: number;
  bestAtMs: number;
  /** The couch has reported motion since the move was commanded. */
  seenMoving: boolean;
}

/** Planned duration of a synchronised trapezoidal move, ms. */
export function plannedMoveMs(model: CouchModel, from: Pose6, to: Pose6): number {
  let worst = 0;
  for (const axis of POSE_AXES) {
    const rot = isRotationAxis(axis);
    const d = Math.abs(to[axis] - from[axis]);
    const v = rot ? model.speed.rotationDegPerS : model.speed.translationMmPerS;
    const a = rot ? model.acceleration.rotationDegPerS2 : model.acceleration.translationMmPerS2;
    worst = Math.max(worst, d / v + v / a);
  }
  return worst * 1000;
}

export class CouchMotionSupervisor {
  private move: ActiveMove | undefined;
  private restPose: Pose6 | undefined;

  constructor(private readonly model: CouchModel, private readonly limits: MotionLimits = DEFAULT_MOTION_LIMITS) {}

  get moving(): boolean {
    return this.move !== undefined;
  }

  /** An approved move starts: from the present readback to the target. */
  beginMove(from: Pose6, to: Pose6, moveId: number, atMs: number): void {
    this.move = { from, to, moveId, startMs: atMs, plannedMs: plannedMoveMs(this.model, from, to), bestProgress: 0, bestAtMs: atMs, seenMoving: false };
  }

  /** Drops the move in progress (after a fault); the next readback becomes the rest pose. */
  abandonMove(): void {
    this.move = undefined;
    this.restPose = undefined;
  }

  /** Judges one readback; returns a fault or undefined. After a fault, supervision restarts from rest. */
  observe(actual: Pose6, deviceMoving: boolean, atMs: number): MotionFault | undefined {
    const fault = this.move ? this.checkMove(this.move, actual, deviceMoving, atMs) : this.checkRest(actual, deviceMoving);
    if (fault) {
      this.move = undefined;
      this.restPose = actual;
    }
    return fault;
  }

  private checkMove(m: ActiveMove, actual: Pose6, deviceMoving: boolean, atMs: number): MotionFault | undefined {
    const s = progress(m.from, m.to, actual);
    for (const axis of POSE_AXES) {
      const rot = isRotationAxis(axis);
      const span = m.to[axis] - m.from[axis];
      const expected = m.from[axis] + Math.min(1, Math.max(0, s)) * span;
      const dev = Math.abs(actual[axis] - expected);
      const devLimit = rot ? this.limits.deviationDeg : this.limits.deviationMm;
      if (dev > devLimit) return { kind: 'deviation', axis, actual: round(dev), limit: devLimit, reason: `${axis} is ${round(dev)} off the commanded path (limit ${devLimit})` };
      const past = (actual[axis] - m.to[axis]) * Math.sign(span);
      const overLimit = rot ? this.limits.overshootDeg : this.limits.overshootMm;
      if (span !== 0 && past > overLimit) return { kind: 'overshoot', axis, actual: round(past), limit: overLimit, reason: `${axis} passed its target by ${round(past)} (limit ${overLimit})` };
    }
    if (s > m.bestProgress + 0.002) {
      m.bestProgress = s;
      m.bestAtMs = atMs;
    }
    const arrived = s >= 1 - 1e-3 || this.within(actual, m.to);
    m.seenMoving ||= deviceMoving;
    // a short move may already be "at target" before the couch has started it: the move ends only
    // once the couch has been seen moving, or after the stall time without it starting
    const started = m.seenMoving || atMs - m.startMs >= this.limits.stallMs;
    if (arrived && !deviceMoving && started) {
      this.move = undefined;
      this.restPose = m.to;
      return undefined;
    }
    if (!arrived && atMs - m.bestAtMs > this.limits.stallMs) return { kind: 'stall', actual: round(s), reason: `no progress for ${Math.round(atMs - m.bestAtMs)} ms at ${(s * 100).toFixed(1)} % of the move` };
    const allowed = m.plannedMs * this.limits.timeoutFactor + 2000;
    if (atMs - m.startMs > allowed) return { kind: 'timeout', actual: Math.round(atMs - m.startMs), limit: Math.round(allowed), reason: `move ${m.moveId} not finished after ${Math.round(atMs - m.startMs)} ms (limit ${Math.round(allowed)} ms)` };
    return undefined;
  }

  private checkRest(actual: Pose6, deviceMoving: boolean): MotionFault | undefined {
    if (!this.restPose) {
      this.restPose = actual;
      return undefined;
    }
    if (deviceMoving) return { kind: 'unexpected-motion', reason: 'the couch reports motion with no move commanded' };
    for (const axis of POSE_AXES) {
      const d = Math.abs(actual[axis] - this.restPose[axis]);
      const limit = isRotationAxis(axis) ? this.limits.unexpectedDeg : this.limits.unexpectedMm;
      if (d > limit) return { kind: 'unexpected-motion', axis, actual: round(d), limit, reason: `${axis} moved ${round(d)} with no move commanded (limit ${limit})` };
    }
    return undefined;
  }

  private within(actual: Pose6, target: Pose6): boolean {
    return POSE_AXES.every((axis) => Math.abs(actual[axis] - target[axis]) <= (isRotationAxis(axis) ? this.model.inPosition.rotationDeg : this.model.inPosition.translationMm));
  }
}

/** Fraction of the move done, axes scaled to their in-position tolerance units. */
function progress(from: Pose6, to: Pose6, actual: Pose6): number {
  let num = 0;
  let den = 0;
  for (const axis of POSE_AXES) {
    const w = isRotationAxis(axis) ? 1 / 0.2 : 1 / 0.5;
    const span = (to[axis] - from[axis]) * w;
    num += (actual[axis] - from[axis]) * w * span;
    den += span * span;
  }
  return den === 0 ? 1 : num / den;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;
