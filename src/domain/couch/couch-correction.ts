/**
 * From a registration's rigid correction (R, t) about the isocentre I to a
 * couch target. The couch rotates about its pivot P, not the isocentre, so the
 * table must also translate: Δ = t + (1 − R)(I − P)
 * (a patient point x must go to R(x − I) + I + t; the couch does R(x − P) + P + Δ).
 * Leaving out the second term is ≈ 26 mm wrong for 3° at 500 mm.
 */
import type { Pose6 } from '../../core/pose.js';
import { add, fromAngles, matMul, matVec, sub, toAngles, type Vec3 } from './rotation.js';

export interface RigidCorrection {
  /** Translation t, mm, table-top frame. */
  readonly translationMm: Vec3;
  readonly pitchDeg: number;
  readonly rollDeg: number;
  readonly yawDeg: number;
}

export interface CouchTarget {
  readonly target: Pose6;
  /** Table translation Δ applied, mm. */
  readonly translationMm: Vec3;
}

/**
 * Where the pitch/roll pivot is for the present pose. It rides on the table, so
 * the table's translation from couch zero carries it: P = P₀ + T. (A fixed P₀
 * is wrong by (1 − R)·T: for 3° and a couch 1000 mm from zero, about 52 mm.)
 */
export function pivotAt(current: Pose6, pivotAtZeroMm: Vec3): Vec3 {
  return [pivotAtZeroMm[0] + current.lateralMm, pivotAtZeroMm[1] + current.longitudinalMm, pivotAtZeroMm[2] + current.verticalMm];
}

/** Table translation needed for a rotation about `pivotMm` to act as one about `isocentreMm`. */
export function tableTranslation(c: RigidCorrection, isocentreMm: Vec3, pivotMm: Vec3): Vec3 {
  const r = fromAngles(c.pitchDeg, c.rollDeg, c.yawDeg);
  const lever = sub(isocentreMm, pivotMm);
  return add(c.translationMm, sub(lever, matVec(r, lever)));
}

/**
 * Target pose from the current pose. Rotations compose as matrices (correction
 * applied after the current rotation), then are read back as pitch/roll/yaw.
 */
export function couchTargetFor(current: Pose6, c: RigidCorrection, isocentreMm: Vec3, pivotMm: Vec3): CouchTarget {
  const delta = tableTranslation(c, isocentreMm, pivotMm);
  const r = matMul(fromAngles(c.pitchDeg, c.rollDeg, c.yawDeg), fromAngles(current.pitchDeg, current.rollDeg, current.yawDeg));
  const angles = toAngles(r);
  return {
    translationMm: delta,
    target: {
      lateralMm: current.lateralMm + delta[0],
      longitudinalMm: current.longitudinalMm + delta[1],
      verticalMm: current.verticalMm + delta[2],
      ...angles,
    },
  };
}
