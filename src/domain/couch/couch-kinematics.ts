/**
 * Where a couch pose puts the table top in the room, per couch kind
 * (docs/coordinates.md, "Couch rotation axes"). All points are relative to the
 * isocentre I, in room (IEC 61217 fixed) axes; x is a table-top point given by
 * where it was with the couch at zero.
 *
 *   isocentric turntable (+ table-top pivot P₀):  g(x) = Rz(yaw)·[T + P₀ + Rpr·(x − P₀)]
 *   hexapod about its virtual pivot V:             g(x) = T + V + R·(x − V)
 *
 * with T the pose's translations, Rpr = Rx(pitch)·Ry(roll) and R = Rz·Rx·Ry.
 * The turntable axis is the vertical through the isocentre; the table-top
 * translation axes turn with it (IEC 61217 patient support → table top).
 */
import type { CouchModel } from '../../config/couch-model.js';
import type { Pose6 } from '../../core/pose.js';
import { add, fromAngles, matVec, rotZ, sub, transpose, type Mat3, type Vec3 } from './rotation.js';

export interface CouchGeometry {
  readonly kind: 'turntable' | 'virtualPivot';
  /** Turntable: the table-top pitch/roll pivot at couch zero; hexapod: the virtual pivot at couch zero. Relative to I, mm. */
  readonly pivotMm: Vec3;
  /** Which rotations the couch can make. */
  readonly turns: { readonly yaw: boolean; readonly pitchRoll: boolean };
}

export function couchGeometry(model: CouchModel): CouchGeometry {
  const a = model.rotationAxes;
  const turns = { yaw: a.yaw !== 'none', pitchRoll: a.pitchRoll !== 'none' };
  if (a.yaw === 'virtualPivot') return { kind: 'virtualPivot', pivotMm: model.virtualPivotFromIsocentreMm ?? [0, 0, 0], turns };
  return { kind: 'turntable', pivotMm: model.pivotFromIsocentreMm ?? [0, 0, 0], turns };
}

const translation = (p: Pose6): Vec3 => [p.lateralMm, p.longitudinalMm, p.verticalMm];

/** Orientation of the table top in the room (the IEC TABLE TOP system's axes). */
export const orientation = (p: Pose6): Mat3 => fromAngles(p.pitchDeg, p.rollDeg, p.yawDeg);

/** Room position (relative to I) of table-top point x at pose p. */
export function toRoom(g: CouchGeometry, p: Pose6, x: Vec3): Vec3 {
  const P = g.pivotMm;
  if (g.kind === 'virtualPivot') return add(add(translation(p), P), matVec(orientation(p), sub(x, P)));
  const pr = fromAngles(p.pitchDeg, p.rollDeg, 0);
  return matVec(rotZ(p.yawDeg), add(add(translation(p), P), matVec(pr, sub(x, P))));
}

/** The table-top point that pose p puts at room position y (inverse of toRoom). */
export function fromRoom(g: CouchGeometry, p: Pose6, y: Vec3): Vec3 {
  const P = g.pivotMm;
  if (g.kind === 'virtualPivot') return add(P, matVec(transpose(orientation(p)), sub(sub(y, translation(p)), P)));
  const pr = fromAngles(p.pitchDeg, p.rollDeg, 0);
  return add(P, matVec(transpose(pr), sub(sub(matVec(rotZ(-p.yawDeg), y), translation(p)), P)));
}

/**
 * Translations that put table-top point x at room position y, given the target
 * rotation angles (the inverse of toRoom for T).
 */
export function translationPlacing(g: CouchGeometry, angles: Pick<Pose6, 'pitchDeg' | 'rollDeg' | 'yawDeg'>, x: Vec3, y: Vec3): Vec3 {
  const P = g.pivotMm;
  if (g.kind === 'virtualPivot') return sub(sub(y, P), matVec(fromAngles(angles.pitchDeg, angles.rollDeg, angles.yawDeg), sub(x, P)));
  const pr = fromAngles(angles.pitchDeg, angles.rollDeg, 0);
  return sub(sub(matVec(rotZ(-angles.yawDeg), y), P), matVec(pr, sub(x, P)));
}

/**
 * The geometry with its pivot moved so that, at pose p, it sits at room
 * position `pivotAtPoseMm` (relative to I): the CLI's `--pivot`.
 */
export function withPivotAt(g: CouchGeometry, p: Pose6, pivotAtPoseMm: Vec3): CouchGeometry {
  const local = g.kind === 'turntable' ? matVec(rotZ(-p.yawDeg), pivotAtPoseMm) : pivotAtPoseMm;
  return { ...g, pivotMm: sub(local, translation(p)) };
}
