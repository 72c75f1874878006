/**
 * From a registration correction to a checked couch target:
 *  1. keep only the rotations this couch can apply (6DOF all, 4DOF yaw, 3DOF none);
 *     a residual rotation above the model's limit is refused, not silently dropped;
 *  2. table translation Δ = t + (1 − R)(I − P) for the applied rotation R;
 *  3. target within every axis range and (hexapod) leg stroke, else refused;
 *  4. graded against the protocol's action levels.
 */
import type { CouchModel } from '../../config/couch-model.js';
import { BridgeError } from '../../core/bridge-error.js';
import type { Pose6 } from '../../core/pose.js';
import { classifyCorrection, type GradeLevels } from '../registration/classify-correction.js';
import { couchTargetFor, pivotAt } from './couch-correction.js';
import { hexapodLegs, rangeViolations } from './couch-limits.js';
import type { Vec3 } from './rotation.js';

export type CorrectionClass = 'none' | 'apply' | 'review' | 're-setup' | 'reject';

export interface CorrectionPlan {
  readonly target: Pose6;
  readonly translationMm: Vec3;
  readonly classification: CorrectionClass;
  readonly reasons: string[];
  readonly errors: BridgeError[];
  /** Rotations of the correction this couch cannot apply, deg. */
  readonly residualDeg: { readonly pitch: number; readonly roll: number; readonly yaw: number };
  readonly legLengthsMm?: number[];
}

export function planCorrection(current: Pose6, correction: Pose6, isocentreMm: Vec3, pivotMm: Vec3, model: CouchModel, levels: GradeLevels): CorrectionPlan {
  const applies = { pitch: model.dof === 6, roll: model.dof === 6, yaw: model.dof >= 4 };
  const residualDeg = { pitch: applies.pitch ? 0 : correction.pitchDeg, roll: applies.roll ? 0 : correction.rollDeg, yaw: applies.yaw ? 0 : correction.yawDeg };
  const errors: BridgeError[] = [];
  for (const [axis, v] of Object.entries(residualDeg)) {
    if (Math.abs(v) > model.maxResidualRotationDeg) {
      errors.push(new BridgeError('LIMIT_EXCEEDED', `a ${model.dof}DOF couch cannot correct this rotation`, { field: `correction.${axis}Deg`, actual: v, limit: `±${model.maxResidualRotationDeg}`, unit: 'deg' }));
    }
  }
  const { target, translationMm } = couchTargetFor(
    current,
    { translationMm: [correction.lateralMm, correction.longitudinalMm, correction.verticalMm], pitchDeg: applies.pitch ? correction.pitchDeg : 0, rollDeg: applies.roll ? correction.rollDeg : 0, yawDeg: applies.yaw ? correction.yawDeg : 0 },
    isocentreMm,
    pivotMm,
  );
  errors.push(...rangeViolations(model, target));
  const hex = hexapodLegs(model, target);
  if (hex.error) errors.push(hex.error);
  const graded = classifyCorrection(correction, levels, { translationMm: model.inPosition.translationMm, rotationDeg: model.inPosition.rotationDeg });
  const reasons = [...errors.map((e) => e.message), ...graded.reasons];
  const residualNote = Object.entries(residualDeg).filter(([, v]) => v !== 0).map(([k, v]) => `residual ${k} ${v.toFixed(2)}° not corrected by a ${model.dof}DOF couch`);
  return { target, translationMm, classification: errors.length ? 'reject' : graded.action, reasons: [...reasons, ...residualNote], errors, residualDeg, legLengthsMm: hex.legs };
}

/**
 * The session's case: the isocentre is the origin and the couch model gives the
 * pivot relative to it at couch zero; the pivot is then moved with the table.
 */
export function planCorrectionFromPose(current: Pose6, correction: Pose6, model: CouchModel, levels: GradeLevels): CorrectionPlan {
  const p0 = model.pivotFromIsocentreMm;
  return planCorrection(current, correction, [0, 0, 0], pivotAt(current, [p0[0], p0[1], p0[2]]), model, levels);
}
