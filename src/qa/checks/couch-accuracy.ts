/**
 * Couch 6DOF accuracy (docs/qa.md): the couch is driven through the bridge's couch driver
 * (Modbus) to a set of poses across its ranges, each approached from both directions,
 * repeated N times; the readback is compared with the target per axis.
 *
 *   per repeat: mid → high → mid (from above) → low → mid (from below)   [high/low: centre ± spanFraction × half range]
 *
 * Items: per axis the pose whose mean error over the repeats is largest (measured: mean
 * readback there, expected: the target); `<axis>.repeatability`: the largest range of the
 * readback over the repeats at one pose; `settle`: the longest time from the couch clearing
 * its moving bit to reporting in position, ms of simulated (device) time.
 */
import { POSE_AXES, isRotationAxis, type Pose6, type PoseAxis } from '../../core/pose.js';
import { statusOf, worstStatus, type QaCheckResult, type QaItem, type QaTolerance } from '../qa-types.js';
import type { QaCheckOptions } from '../qa-rig.js';
import { toleranceFor } from '../tolerance-table.js';
import { sleep, waitFor } from '../wait.js';
import { moveAndMeasure } from './couch-moves.js';
import { AXIS_NAME } from './axis-names.js';

export interface CouchAccuracyOptions {
  readonly repeats: number;
  /** Poses at centre ± this fraction of each axis's half range. */
  readonly spanFraction: number;
  /** Readback samples averaged at each pose. */
  readonly samples: number;
}

export const DEFAULT_COUCH_ACCURACY: CouchAccuracyOptions = { repeats: 3, spanFraction: 0.5, samples: 5 };

type Row = { translation: QaTolerance; rotation: QaTolerance; repeatabilityMm: QaTolerance; repeatabilityDeg: QaTolerance; settle: QaTolerance };

export function couchTolerances(o: Pick<QaCheckOptions, 'tolerances' | 'srs'>): Row {
  const p = o.srs ? 'couch.srs.' : 'couch.';
  const t = (k: string) => toleranceFor(o.tolerances, k);
  return { translation: t(`${p}translationMm`), rotation: t(`${p}rotationDeg`), repeatabilityMm: t(`${p}repeatabilityMm`), repeatabilityDeg: t(`${p}repeatabilityDeg`), settle: t('couch.settleMs') };
}

/** The pose sequence of one repeat (targets), from the couch model's ranges. */
export function couchPoseSequence(ranges: Record<PoseAxis, { min: number; max: number }>, spanFraction: number): Pose6[] {
  const at = (k: -1 | 0 | 1) => Object.fromEntries(POSE_AXES.map((a) => {
    const { min, max } = ranges[a];
    const mid = (min + max) / 2;
    return [a, Math.round((mid + (k * spanFraction * (max - min)) / 2) * 1000) / 1000];
  })) as unknown as Pose6;
  return [at(1), at(0), at(-1), at(0)];
}

const lim = (t: QaTolerance) => ({ tolerance: t.tolerance, action: t.action });

export async function runCouchAccuracy(o: QaCheckOptions, opts: CouchAccuracyOptions = DEFAULT_COUCH_ACCURACY): Promise<QaCheckResult> {
  const tol = couchTolerances(o);
  const c = o.rig.config.couch;
  const ranges = { lateralMm: c.rangeMm.lateral, longitudinalMm: c.rangeMm.longitudinal, verticalMm: c.rangeMm.vertical, pitchDeg: c.rangeDeg.pitch, rollDeg: c.rangeDeg.roll, yawDeg: c.rangeDeg.yaw };
  const poses = couchPoseSequence(ranges, opts.spanFraction);
  const readings: Pose6[][] = poses.map(() => []);
  let settleMs = 0;
  let moveId = 1;
  await waitFor(() => !!o.rig.drivers.couch.latest, 2_000);
  for (let r = 0; r < opts.repeats; r++) {
    for (let p = 0; p < poses.length; p++) {
      o.progress((r * poses.length + p) / (opts.repeats * poses.length), `couch pose ${p + 1}/${poses.length}, repeat ${r + 1}/${opts.repeats}`);
      const m = await moveAndMeasure(o, poses[p], moveId++, opts.samples);
      readings[p].push(m.mean);
      settleMs = Math.max(settleMs, m.settleMs);
    }
  }
  await sleep(0);
  const items: QaItem[] = [];
  for (const axis of POSE_AXES) {
    const rot = isRotationAxis(axis);
    const t = rot ? tol.rotation : tol.translation;
    let worst = { p: 0, mean: 0, error: 0 };
    let range = 0;
    poses.forEach((pose, p) => {
      const vals = readings[p].map((x) => x[axis]);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      if (Math.abs(mean - pose[axis]) >= Math.abs(worst.error)) worst = { p, mean, error: mean - pose[axis] };
      range = Math.max(range, Math.max(...vals) - Math.min(...vals));
    });
    const unit = rot ? 'deg' : 'mm';
    const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
    items.push({ id: AXIS_NAME[axis], measured: r4(worst.mean), expected: poses[worst.p][axis], error: r4(worst.error), unit, status: statusOf(worst.error, t), detail: { pose: worst.p + 1, repeats: opts.repeats }, limits: lim(t) });
    const rt = rot ? tol.repeatabilityDeg : tol.repeatabilityMm;
    items.push({ id: `${AXIS_NAME[axis]}.repeatability`, measured: r4(range), expected: 0, error: r4(range), unit, status: statusOf(range, rt), limits: lim(rt) });
  }
  items.push({ id: 'settle', measured: Math.round(settleMs), expected: 0, error: Math.round(settleMs), unit: 'ms', status: statusOf(settleMs, tol.settle), limits: lim(tol.settle) });
  o.progress(1, 'couch done');
  return { name: 'couch-accuracy', status: worstStatus(items.map((i) => i.status)), tolerance: tol, items, notes: [`${poses.length} poses × ${opts.repeats} repeats, ${opts.samples} readback samples each${o.srs ? ', SRS tolerances' : ''}`] };
}
