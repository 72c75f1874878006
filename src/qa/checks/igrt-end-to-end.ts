/**
 * IGRT end-to-end (docs/qa.md; TG-142 daily "imaging positioning/repositioning", TG-179
 * couch-shift accuracy): a phantom is placed with a known setup error, imaged; the
 * registration arrives on the imaging link and passes the bridge's own validation; the
 * couch target is computed by the bridge's correction planner and driven through the
 * couch driver; the phantom is imaged again and the residual is what the second image shows.
 *
 * Items per axis (lateral … yaw): measured = the phantom's residual setup error after
 * the correction (minus the second registration's correction), expected 0.
 */
import { firstValueFrom, filter, timeout } from 'rxjs';
import { BridgeError } from '../../core/bridge-error.js';
import { POSE_AXES, isRotationAxis, type Pose6 } from '../../core/pose.js';
import { planCorrectionFromPose } from '../../domain/couch/plan-correction.js';
import type { Registration } from '../../domain/registration/registration.js';
import { validateRegistration } from '../../domain/registration/validate-registration.js';
import { statusOf, worstStatus, type QaCheckResult, type QaItem } from '../qa-types.js';
import type { QaCheckOptions } from '../qa-rig.js';
import { toleranceFor } from '../tolerance-table.js';
import { waitFor } from '../wait.js';
import { AXIS_NAME } from './axis-names.js';
import { moveAndMeasure } from './couch-moves.js';

/** The phantom's identity on the imaging link (never a patient's). */
export const QA_PHANTOM = { patientId: 'QA-PHANTOM', planId: 'QA-IGRT', fraction: 1 } as const;

/** The known setup error the phantom is placed with: the correction the first image must report (mm, deg). */
export const DEFAULT_PHANTOM_CORRECTION: Pose6 = { lateralMm: 3, longitudinalMm: -2, verticalMm: 1.5, pitchDeg: 0.8, rollDeg: -0.6, yawDeg: 0.5 };

async function image(o: QaCheckOptions, what: string): Promise<Registration> {
  const next = firstValueFrom(o.rig.registrations.pipe(filter((m) => m.ok), timeout(5_000)));
  o.rig.room.imagePhantom();
  const raw = await next.catch(() => {
    throw new BridgeError('DEVICE_FAULT', 'no registration from the imaging system', { field: `igrt.${what}` });
  });
  const r = validateRegistration(raw.ok ? raw.value : undefined, { identity: QA_PHANTOM, nowEpochMs: Date.now(), maxAgeMs: o.rig.config.bridge.registration.maxAgeMs });
  if (!r.ok) throw r.error;
  return r.value;
}

export async function runIgrtEndToEnd(o: QaCheckOptions, phantom: Pose6 = DEFAULT_PHANTOM_CORRECTION): Promise<QaCheckResult> {
  const mm = toleranceFor(o.tolerances, o.srs ? 'igrt.srs.residualMm' : 'igrt.residualMm');
  const deg = toleranceFor(o.tolerances, o.srs ? 'igrt.srs.residualDeg' : 'igrt.residualDeg');
  const couch = o.rig.drivers.couch;
  await waitFor(() => !!couch.latest, 2_000);
  o.progress(0, 'placing the phantom');
  const start = couch.latest!.actual;
  o.rig.room.placePhantom(phantom);
  const first = await image(o, 'first');
  o.progress(0.2, 'correcting');
  const levels = o.rig.config.bridge.actionLevels[o.srs ? 'srs' : 'conventional'];
  const plan = planCorrectionFromPose(start, first.correction, first.frame, o.rig.config.couch, levels);
  if (plan.classification === 'reject') throw plan.errors[0] ?? new BridgeError('LIMIT_EXCEEDED', 'the correction was refused', { field: 'igrt.correction' });
  await moveAndMeasure(o, plan.target, 1, 1);
  o.progress(0.7, 'imaging again');
  const second = await image(o, 'verification');
  const items: QaItem[] = POSE_AXES.map((axis) => {
    const residual = Math.round(-second.correction[axis] * 10_000) / 10_000 || 0;
    const rot = isRotationAxis(axis);
    return {
      id: AXIS_NAME[axis], measured: residual, expected: 0, error: residual, unit: rot ? 'deg' : 'mm', status: statusOf(residual, rot ? deg : mm), limits: rot ? { tolerance: deg.tolerance, action: deg.action } : { tolerance: mm.tolerance, action: mm.action },
      detail: { injected: phantom[axis], firstImage: first.correction[axis], couchTarget: plan.target[axis] },
    };
  });
  o.progress(1, 'igrt done');
  return { name: 'igrt-end-to-end', status: worstStatus(items.map((i) => i.status)), tolerance: { translation: mm, rotation: deg }, items, notes: [`phantom placed with correction ${POSE_AXES.map((a) => phantom[a]).join(', ')} (mm, deg)${o.srs ? ', SRS tolerances' : ''}`] };
}
