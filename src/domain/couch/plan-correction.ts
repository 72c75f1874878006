/**
 * From a registration correction to a checked couch target:
 *  1. the correction's frame (room or table top) is declared, or both readings
 *     give the same target; otherwise it is refused, never guessed;
 *  2. keep only the rotations this couch can apply (its `rotationAxes`);
 *     a residual rotation above the model's limit is refused, not silently dropped;
 *  3. target for the applied rotation about the couch's own axes (couch-correction.ts);
 *  4. target within every axis range and (hexapod) leg stroke, else refused;
 *  5. graded against the protocol's action levels (3D length and per axis).
 */
import type { CouchModel } from '../../config/couch-model.js';
import { BridgeError } from '../../core/bridge-error.js';
import type { Pose6 } from '../../core/pose.js';
import { classifyCorrection, type Classification, type GradeLevels } from '../registration/classify-correction.js';
import { couchTargetFor, type CorrectionFrame, type CouchTarget } from './couch-correction.js';
import { couchGeometry, type CouchGeometry } from './couch-kinematics.js';
import { hexapodLegs, rangeViolations } from './couch-limits.js';
import type { Vec3 } from './rotation.js';

export type CorrectionClass = 'none' | 'apply' | 'review' | 're-setup' | 'reject';

export interface CorrectionPlan {
  readonly target: Pose6;
  readonly translationMm: Vec3;
  readonly classification: CorrectionClass;
  /** The action-level grading of the correction (before range and reach checks). */
  readonly graded: Classification;
  readonly reasons: string[];
  readonly errors: BridgeError[];
  /** Rotations of the correction this couch cannot apply, deg, in the correction's frame. */
  readonly residualDeg: { readonly pitch: number; readonly roll: number; readonly yaw: number };
  readonly legLengthsMm?: number[];
}

/** An undeclared frame is accepted only where room and table-top readings agree within this. */
export const FRAME_AGREEMENT = { mm: 0.01, deg: 0.01 } as const;

/**
 * `frame` undefined: the source did not say. Accepted only when reading the
 * correction in room or in table-top axes gives the same target (the couch is
 * not turned); otherwise refused naming `correction.frame`.
 */
export function planCorrection(current: Pose6, correction: Pose6, frame: CorrectionFrame | undefined, model: CouchModel, levels: GradeLevels, geometry: CouchGeometry = couchGeometry(model)): CorrectionPlan {
  const turns = geometry.turns;
  const residualDeg = { pitch: turns.pitchRoll ? 0 : correction.pitchDeg, roll: turns.pitchRoll ? 0 : correction.rollDeg, yaw: turns.yaw ? 0 : correction.yawDeg };
  const errors: BridgeError[] = [];
  for (const [axis, v] of Object.entries(residualDeg)) {
    if (Math.abs(v) > model.maxResidualRotationDeg) {
      errors.push(new BridgeError('LIMIT_EXCEEDED', `a ${model.dof}DOF couch cannot correct this rotation`, { field: `correction.${axis}Deg`, actual: v, limit: `±${model.maxResidualRotationDeg}`, unit: 'deg' }));
    }
  }
  const rigid = (f: CorrectionFrame) => couchTargetFor(geometry, current, { translationMm: [correction.lateralMm, correction.longitudinalMm, correction.verticalMm], pitchDeg: correction.pitchDeg, rollDeg: correction.rollDeg, yawDeg: correction.yawDeg, frame: f });
  const { target, translationMm } = frame ? rigid(frame) : undeclared(rigid('room'), rigid('tableTop'), errors);
  errors.push(...rangeViolations(model, target));
  const hex = hexapodLegs(model, geometry, target);
  if (hex.error) errors.push(hex.error);
  const graded = classifyCorrection(correction, levels, { translationMm: model.inPosition.translationMm, rotationDeg: model.inPosition.rotationDeg });
  const reasons = [...errors.map((e) => e.message), ...graded.reasons];
  const residualNote = Object.entries(residualDeg).filter(([, v]) => v !== 0).map(([k, v]) => `residual ${k} ${v.toFixed(2)}° not corrected by a ${model.dof}DOF couch`);
  return { target, translationMm, classification: errors.length ? 'reject' : graded.action, graded, reasons: [...reasons, ...residualNote], errors, residualDeg, legLengthsMm: hex.legs };
}

function undeclared(room: CouchTarget, tableTop: CouchTarget, errors: BridgeError[]): CouchTarget {
  const a = room.target;
  const b = tableTop.target;
  const mm = Math.hypot(a.lateralMm - b.lateralMm, a.longitudinalMm - b.longitudinalMm, a.verticalMm - b.verticalMm);
  const deg = Math.max(Math.abs(a.pitchDeg - b.pitchDeg), Math.abs(a.rollDeg - b.rollDeg), Math.abs(a.yawDeg - b.yawDeg));
  if (mm > FRAME_AGREEMENT.mm || deg > FRAME_AGREEMENT.deg) {
    errors.push(new BridgeError('INPUT_INVALID', `the correction does not say its frame, and with the couch turned room and table-top readings differ by ${mm.toFixed(2)} mm / ${deg.toFixed(2)}°`, { field: 'correction.frame', actual: 'undeclared', limit: 'room | tableTop' }));
  }
  return room;
}

/** The session's case: the couch model's own geometry at the present pose. */
export function planCorrectionFromPose(current: Pose6, correction: Pose6, frame: CorrectionFrame | undefined, model: CouchModel, levels: GradeLevels): CorrectionPlan {
  return planCorrection(current, correction, frame, model, levels);
}
