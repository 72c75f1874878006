/**
 * Action level of a correction under a protocol (per treatment site):
 * none (inside the couch's in-position tolerance), apply (operator approval),
 * review (physician review), re-setup (set the patient up again).
 * Graded by the larger of the largest single axis and the whole: the 3D length
 * of the translation, and the angle of the whole rotation about its own axis
 * (so (0.9, 0.9, 0.9) mm is 1.56 mm, not 0.9 mm). See docs/coordinates.md.
 */
import type { ActionLevels } from '../../config/bridge-config.js';
import type { Pose6 } from '../../core/pose.js';
import { fromAngles, rotationAngleDeg } from '../couch/rotation.js';
import type { ActionClass } from './registration.js';

export interface Classification {
  readonly action: ActionClass;
  /** Largest single translation axis, mm. */
  readonly maxTranslationMm: number;
  /** Largest single rotation axis, deg. */
  readonly maxRotationDeg: number;
  /** 3D length of the translation, mm (what is graded: never less than any axis). */
  readonly translation3dMm?: number;
  /** Angle of the whole rotation about its axis, deg (graded together with the largest axis). */
  readonly rotation3dDeg?: number;
  readonly reasons: string[];
}

/** The levels grading needs (a protocol's table has more). */
export type GradeLevels = Pick<ActionLevels, 'applyMaxMm' | 'applyMaxDeg' | 'reviewMaxMm' | 'reviewMaxDeg'>;

/** What a classification is graded by: the larger of the largest axis and the whole (3D length, whole rotation). */
export function gradedSize(k: Pick<Classification, 'maxTranslationMm' | 'maxRotationDeg' | 'translation3dMm' | 'rotation3dDeg'>): { mm: number; deg: number } {
  return { mm: round9(Math.max(k.maxTranslationMm, k.translation3dMm ?? 0)), deg: round9(Math.max(k.maxRotationDeg, k.rotation3dDeg ?? 0)) };
}

const round9 = (v: number): number => Math.round(v * 1e9) / 1e9;

export function classifyCorrection(c: Pose6, levels: GradeLevels, noAction: { translationMm: number; rotationDeg: number }): Classification {
  const maxTranslationMm = Math.max(Math.abs(c.lateralMm), Math.abs(c.longitudinalMm), Math.abs(c.verticalMm));
  const maxRotationDeg = Math.max(Math.abs(c.pitchDeg), Math.abs(c.rollDeg), Math.abs(c.yawDeg));
  const translation3dMm = Math.hypot(c.lateralMm, c.longitudinalMm, c.verticalMm);
  const rotation3dDeg = rotationAngleDeg(fromAngles(c.pitchDeg, c.rollDeg, c.yawDeg));
  // rounded to 1e-9 so a value exactly at a level is not pushed over it by floating point
  const { mm, deg } = gradedSize({ maxTranslationMm, maxRotationDeg, translation3dMm, rotation3dDeg });
  const reasons: string[] = [];
  let action: ActionClass = 'none';
  const over = (v: number, limit: number, what: string, unit: string, cls: ActionClass): void => {
    if (v > limit) {
      reasons.push(`${what} ${v.toFixed(2)} ${unit} > ${limit} ${unit}`);
      action = cls;
    }
  };
  over(mm, noAction.translationMm, 'translation (3D)', 'mm', 'apply');
  over(deg, noAction.rotationDeg, 'rotation (whole)', 'deg', 'apply');
  over(mm, levels.applyMaxMm, 'translation (3D)', 'mm', 'review');
  over(deg, levels.applyMaxDeg, 'rotation (whole)', 'deg', 'review');
  over(mm, levels.reviewMaxMm, 'translation (3D)', 'mm', 're-setup');
  over(deg, levels.reviewMaxDeg, 'rotation (whole)', 'deg', 're-setup');
  return { action, maxTranslationMm, maxRotationDeg, translation3dMm, rotation3dDeg, reasons };
}
