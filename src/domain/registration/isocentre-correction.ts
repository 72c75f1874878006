/**
 * The couch correction from a registration of the moving (CBCT) frame to the
 * plan's frame, about the plan isocentre, in IEC 61217 table-top axes.
 *
 * A patient point seen at moving-frame coordinates x belongs at plan coordinates
 * M·x (M = movingToPlan). The imaging system places its frame so that a perfect
 * setup registers as the identity (the plan isocentre's coordinates are the
 * treatment isocentre in both frames), so the patient must move by M itself.
 * About the isocentre I: x ↦ R(x − I) + I + t with R = R_M and t = M·I − I.
 * Axes: R_iec = C·R·Cᵀ, t_iec = C·t with C from the patient position.
 * Derivation and worked examples: docs/registration.md.
 */
import type { Pose6 } from '../../core/pose.js';
import { toAngles, type Vec3 } from '../couch/rotation.js';
import { lpsToIec, type PatientPosition } from './patient-position.js';
import { applyRigid, changeAxes, type Rigid } from './rigid-transform.js';

export function correctionAboutIsocentre(movingToPlan: Rigid, isocenterLpsMm: Vec3, position: PatientPosition): Pose6 {
  const mi = applyRigid(movingToPlan, isocenterLpsMm);
  const aboutIso: Rigid = { r: movingToPlan.r, t: [mi[0] - isocenterLpsMm[0], mi[1] - isocenterLpsMm[1], mi[2] - isocenterLpsMm[2]] };
  const iec = changeAxes(aboutIso, lpsToIec(position));
  const a = toAngles(iec.r);
  return { lateralMm: iec.t[0], longitudinalMm: iec.t[1], verticalMm: iec.t[2], pitchDeg: a.pitchDeg, rollDeg: a.rollDeg, yawDeg: a.yawDeg };
}
