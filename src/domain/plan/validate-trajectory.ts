/**
 * Checks a DYNAMIC beam's leaf trajectory (plan.ts `trajectory`) against the
 * MLC model: one segment (the whole beam), weights from 0 to 1 never
 * decreasing, every leaf of the model at every control point, within travel,
 * at least the minimum gap, and no leaf faster than the model's maximum speed
 * between control points at the beam's dose rate (time = ΔMU / dose rate).
 * The first violation is refused naming the control point and leaf.
 */
import type { MlcModel } from '../../config/mlc-model.js';
import { BridgeError } from '../../core/bridge-error.js';
import type { PlanBeam } from './plan.js';

const EPS = 1e-6;

export function checkTrajectory(b: PlanBeam, i: number, mlc: MlcModel): void {
  const t = b.trajectory!;
  const at = (k: number, rest = '') => `plan.beams.${i}.trajectory.${k}${rest}`;
  const fail = (field: string, summary: string, extra: { actual?: string | number; limit?: string | number; unit?: string } = {}) => new BridgeError('PLAN_INVALID', summary, { field, ...extra });
  if (b.segments.length !== 1) throw fail(`plan.beams.${i}.segments`, 'a beam with a trajectory has exactly one segment (its whole MU)', { actual: b.segments.length, limit: 1 });
  if (t[0].metersetWeight !== 0) throw fail(at(0, '.metersetWeight'), 'the trajectory must start at weight 0', { actual: t[0].metersetWeight, limit: 0 });
  if (Math.abs(t[t.length - 1].metersetWeight - 1) > EPS) throw fail(at(t.length - 1, '.metersetWeight'), 'the trajectory must end at weight 1', { actual: t[t.length - 1].metersetWeight, limit: 1 });
  const mu = b.segments[0].mu;
  t.forEach((p, k) => {
    const { bankAMm: a, bankBMm: bb } = p.positions;
    if (a.length !== mlc.leafPairs || bb.length !== mlc.leafPairs) throw fail(at(k, '.positions'), 'one position per leaf pair of the MLC expected', { actual: `${a.length}/${bb.length}`, limit: mlc.leafPairs });
    if (k > 0 && p.metersetWeight < t[k - 1].metersetWeight) throw fail(at(k, '.metersetWeight'), 'meterset weights must not decrease', { actual: p.metersetWeight, limit: `>= ${t[k - 1].metersetWeight}` });
    for (let r = 0; r < mlc.leafPairs; r++) {
      for (const [bank, v] of [['bankAMm', a[r]], ['bankBMm', bb[r]]] as const) {
        if (v < mlc.travel.minMm - EPS || v > mlc.travel.maxMm + EPS) throw fail(at(k, `.positions.${bank}.${r}`), 'leaf beyond travel', { actual: v, limit: `${mlc.travel.minMm}..${mlc.travel.maxMm}`, unit: 'mm' });
      }
      if (a[r] - bb[r] < mlc.minGapMm - EPS) throw fail(at(k, `.positions.bankAMm.${r}`), 'leaf gap below the minimum', { actual: a[r] - bb[r], limit: `>= ${mlc.minGapMm}`, unit: 'mm' });
      if (k === 0) continue;
      const dtS = ((p.metersetWeight - t[k - 1].metersetWeight) * mu * 60) / b.doseRateMuPerMin;
      const moveMm = Math.max(Math.abs(a[r] - t[k - 1].positions.bankAMm[r]), Math.abs(bb[r] - t[k - 1].positions.bankBMm[r]));
      if (moveMm > EPS && moveMm > mlc.maxLeafSpeedMmPerS * dtS + EPS) {
        throw fail(at(k, `.positions.${r}`), `leaf pair ${r} moves ${moveMm.toFixed(2)} mm in ${dtS.toFixed(3)} s at ${b.doseRateMuPerMin} MU/min`, { actual: dtS > 0 ? moveMm / dtS : 'no MU between control points', limit: `<= ${mlc.maxLeafSpeedMmPerS}`, unit: 'mm/s' });
      }
    }
  });
}
