/**
 * From a registration's rigid correction (R, t) about the isocentre I to a
 * couch target. A patient point y must go to I + M(y − I) + t_room, where the
 * correction's frame F turns it into room axes: M = F·R·Fᵀ, t_room = F·t
 * (F = 1 for `room`, the table top's orientation for `tableTop`).
 *
 * The target keeps the table-top point now at the isocentre going where the
 * correction sends it, with the rotation the couch can make (M_a; all of M on a
 * 6DOF couch), each axis about what the couch turns about (couch-kinematics.ts).
 * About a single pivot P this is Δ = t + (1 − R)(I − P); an isocentric yaw
 * needs no table translation; and on a turntable the translation is expressed
 * on the support's axes. See docs/coordinates.md.
 */
import type { Pose6 } from '../../core/pose.js';
import { wrap180 } from './angles.js';
import { fromRoom, orientation, translationPlacing, type CouchGeometry } from './couch-kinematics.js';
import { fromAngles, IDENTITY3, matMul, matVec, sub, toAngles, transpose, type Mat3, type Vec3 } from './rotation.js';

/** The frame a correction is expressed in: the room's (an imager fixed in the room) or the table top's (a CBCT reconstructed in the patient's frame). */
export type CorrectionFrame = 'room' | 'tableTop';
export const CORRECTION_FRAMES: readonly CorrectionFrame[] = ['room', 'tableTop'];

export interface RigidCorrection {
  /** Translation t, mm, in `frame`'s axes. */
  readonly translationMm: Vec3;
  readonly pitchDeg: number;
  readonly rollDeg: number;
  readonly yawDeg: number;
  readonly frame: CorrectionFrame;
}

export interface CouchTarget {
  readonly target: Pose6;
  /** Change of the couch's translation readings (its own axes: the turntable's, or the hexapod base's), mm. */
  readonly translationMm: Vec3;
}

const ORIGIN: Vec3 = [0, 0, 0];

/**
 * Target pose from the current pose for the rotations the geometry can make
 * (others are left out: the caller reports them as residual).
 */
export function couchTargetFor(g: CouchGeometry, current: Pose6, c: RigidCorrection): CouchTarget {
  const a = orientation(current);
  const f = c.frame === 'room' ? IDENTITY3 : a;
  const applied = fromAngles(g.turns.pitchRoll ? c.pitchDeg : 0, g.turns.pitchRoll ? c.rollDeg : 0, g.turns.yaw ? c.yawDeg : 0);
  const m = matMul(matMul(f, applied), transpose(f));
  const angles = targetAngles(g, current, matMul(m, a), g.turns.yaw ? c.yawDeg : 0);
  // the table-top point now at the isocentre goes to I + t_room
  const atIso = fromRoom(g, current, ORIGIN);
  const t = translationPlacing(g, angles, atIso, matVec(f, c.translationMm));
  const delta = sub(t, [current.lateralMm, current.longitudinalMm, current.verticalMm]);
  return { translationMm: delta, target: { lateralMm: t[0], longitudinalMm: t[1], verticalMm: t[2], ...angles } };
}

/** Pose angles of the new orientation; yaw is kept continuous with current + correction (no wrap at ±180°). */
function targetAngles(g: CouchGeometry, current: Pose6, next: Mat3, yawStepDeg: number): { pitchDeg: number; rollDeg: number; yawDeg: number } {
  const nominalYaw = current.yawDeg + yawStepDeg;
  if (!g.turns.pitchRoll) return { pitchDeg: current.pitchDeg, rollDeg: current.rollDeg, yawDeg: nominalYaw };
  const r = toAngles(next);
  return { pitchDeg: r.pitchDeg, rollDeg: r.rollDeg, yawDeg: nominalYaw + wrap180(r.yawDeg - nominalYaw) };
}
