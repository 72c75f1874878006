/**
 * Hard limits of a couch model, checked before any motion: travel per axis,
 * rotation range, and (hexapods) leg stroke. A target outside is refused with
 * the axis, the value and the limit; it is never clamped.
 */
import type { CouchModel } from '../../config/couch-model.js';
import { BridgeError } from '../../core/bridge-error.js';
import { POSE_AXES, isRotationAxis, type Pose6, type PoseAxis } from '../../core/pose.js';
import type { CouchGeometry } from './couch-kinematics.js';
import { checkLegs, symmetricJoints, type HexapodGeometry } from './hexapod.js';
import { fromAngles, matVec, sub, type Vec3 } from './rotation.js';

export function axisRange(model: CouchModel, axis: PoseAxis): { min: number; max: number } {
  const key = axis.replace(/Mm$|Deg$/, '') as 'lateral' | 'longitudinal' | 'vertical' | 'pitch' | 'roll' | 'yaw';
  return isRotationAxis(axis) ? model.rangeDeg[key as 'pitch' | 'roll' | 'yaw'] : model.rangeMm[key as 'lateral' | 'longitudinal' | 'vertical'];
}

/** Every axis of `target` outside its range, as errors (empty when all are inside). */
export function rangeViolations(model: CouchModel, target: Pose6): BridgeError[] {
  const out: BridgeError[] = [];
  for (const axis of POSE_AXES) {
    const r = axisRange(model, axis);
    const v = target[axis];
    if (!Number.isFinite(v) || v < r.min - 1e-9 || v > r.max + 1e-9) {
      out.push(new BridgeError('LIMIT_EXCEEDED', 'target outside the couch travel', { field: `couch.${axis}`, actual: Number(v.toFixed(3)), limit: `${r.min}..${r.max}`, unit: isRotationAxis(axis) ? 'deg' : 'mm' }));
    }
  }
  return out;
}

export function hexapodGeometry(model: CouchModel): HexapodGeometry | undefined {
  const h = model.hexapod;
  if (!h) return undefined;
  const platform = symmetricJoints(h.platformRadiusMm, [60, 180, 300], h.platformHalfSpreadDeg);
  // pair each base joint with the nearest platform joint of the neighbouring pair
  const rotated = [platform[platform.length - 1], ...platform.slice(0, -1)];
  return { baseJointsMm: symmetricJoints(h.baseRadiusMm, [0, 120, 240], h.baseHalfSpreadDeg), platformJointsMm: rotated, homeHeightMm: h.homeHeightMm, strokeMm: h.strokeMm };
}

/**
 * Leg lengths for a hexapod target, or the stroke error. The couch pose turns
 * about the virtual pivot V; the platform turns about its centre C, so the
 * platform's translation is T + (1 − R)(V − C).
 */
export function hexapodLegs(model: CouchModel, geometry: CouchGeometry, target: Pose6): { legs?: number[]; error?: BridgeError } {
  const g = hexapodGeometry(model);
  if (!g || !model.hexapod) return {};
  const r = fromAngles(target.pitchDeg, target.rollDeg, target.yawDeg);
  const lever = sub(geometry.pivotMm, model.hexapod.platformCentreFromIsocentreMm as Vec3);
  const turned = matVec(r, lever);
  const t: Vec3 = [target.lateralMm + lever[0] - turned[0], target.longitudinalMm + lever[1] - turned[1], target.verticalMm + lever[2] - turned[2]];
  try {
    return { legs: checkLegs(g, { translationMm: t, pitchDeg: target.pitchDeg, rollDeg: target.rollDeg, yawDeg: target.yawDeg }) };
  } catch (e) {
    return { error: e as BridgeError };
  }
}
