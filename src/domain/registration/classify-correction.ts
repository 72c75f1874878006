/**
 * Action level of a correction under a protocol (per treatment site):
 * none (inside the couch's in-position tolerance), apply (operator approval),
 * review (physician review), re-setup (set the patient up again).
 */
import type { ActionLevels } from '../../config/bridge-config.js';
import type { Pose6 } from '../../core/pose.js';
import type { ActionClass } from './registration.js';

export interface Classification {
  readonly action: ActionClass;
  readonly maxTranslationMm: number;
  readonly maxRotationDeg: number;
  readonly reasons: string[];
}

/** The levels grading needs (a protocol's table has more). */
export type GradeLevels = Pick<ActionLevels, 'applyMaxMm' | 'applyMaxDeg' | 'reviewMaxMm' | 'reviewMaxDeg'>;

export function classifyCorrection(c: Pose6, levels: GradeLevels, noAction: { translationMm: number; rotationDeg: number }): Classification {
  const maxTranslationMm = Math.max(Math.abs(c.lateralMm), Math.abs(c.longitudinalMm), Math.abs(c.verticalMm));
  const maxRotationDeg = Math.max(Math.abs(c.pitchDeg), Math.abs(c.rollDeg), Math.abs(c.yawDeg));
  const reasons: string[] = [];
  let action: ActionClass = 'none';
  const over = (v: number, limit: number, what: string, unit: string, cls: ActionClass): void => {
    if (v > limit) {
      reasons.push(`${what} ${v.toFixed(2)} ${unit} > ${limit} ${unit}`);
      action = cls;
    }
  };
  over(maxTranslationMm, noAction.translationMm, 'translation', 'mm', 'apply');
  over(maxRotationDeg, noAction.rotationDeg, 'rotation', 'deg', 'apply');
  over(maxTranslationMm, levels.applyMaxMm, 'translation', 'mm', 'review');
  over(maxRotationDeg, levels.applyMaxDeg, 'rotation', 'deg', 'review');
  over(maxTranslationMm, levels.reviewMaxMm, 'translation', 'mm', 're-setup');
  over(maxRotationDeg, levels.reviewMaxDeg, 'rotation', 'deg', 're-setup');
  return { action, maxTranslationMm, maxRotationDeg, reasons };
}
