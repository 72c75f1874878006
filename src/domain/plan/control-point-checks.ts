/**
 * Every control point of one beam against the jaws and the room's MLC model:
 * jaw order and travel; leaf travel; minimum gap between opposing leaves
 * (pairs wholly behind the jaws that bound the leaf ends, e.g. Y jaws for
 * MLCX, may be closed to 0: they are shielded and the controller parks them);
 * no crossing of opposing leaves anywhere; no interdigitation when the model
 * forbids it (adjacent pairs' openings must overlap); leaf speed between two
 * control points that deliver MU, at the control point's dose rate (or the
 * beam's maximum when the plan gives none): |Δx| / (ΔMU / rate) ≤ max speed.
 * Dose rate set above the energy's maximum is refused too.
 * One violation per check and control point: the first leaf that breaks it.
 */
import type { MlcModel } from '../../config/mlc-model.js';
import { violation, type Violation } from './plan-checks.js';
import type { ControlPoint, RtBeam } from './rt-plan.js';

export interface ControlPointLimits {
  readonly mlc: MlcModel;
  readonly jawTravel: { readonly minMm: number; readonly maxMm: number };
  /** The beam energy's maximum dose rate, used when a control point gives none, MU/min. */
  readonly maxDoseRateMuPerMin: number;
}

const EPS_MM = 1e-6;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export function checkControlPoints(beam: RtBeam, i: number, lim: ControlPointLimits): Violation[] {
  const out: Violation[] = [];
  beam.controlPoints.forEach((cp, k) => {
    if (cp.doseRateMuPerMin !== undefined && cp.doseRateMuPerMin > lim.maxDoseRateMuPerMin) {
      out.push(violation(beam, i, `controlPoints.${cp.index}.doseRateMuPerMin`, `control point ${cp.index}: dose rate above the maximum of this beam energy`, { actual: cp.doseRateMuPerMin, limit: `<= ${lim.maxDoseRateMuPerMin}`, unit: 'MU/min' }));
    }
    out.push(...checkJaws(beam, i, cp, lim));
    if (cp.leaves && beam.mlc) out.push(...checkLeaves(beam, i, cp, lim.mlc));
    if (k > 0) {
      const v = checkSpeed(beam, i, beam.controlPoints[k - 1], cp, lim);
      if (v) out.push(v);
    }
  });
  return out;
}

function checkJaws(beam: RtBeam, i: number, cp: ControlPoint, lim: ControlPointLimits): Violation[] {
  const out: Violation[] = [];
  for (const [axis, pair] of [['xMm', cp.jaws.xMm], ['yMm', cp.jaws.yMm]] as const) {
    if (!pair) continue;
    const at = `controlPoints.${cp.index}.jaws.${axis}`;
    if (pair[0] > pair[1]) out.push(violation(beam, i, at, `control point ${cp.index}: jaw 1 beyond jaw 2`, { actual: `${pair[0]}..${pair[1]}`, limit: 'jaw 1 <= jaw 2', unit: 'mm' }));
    pair.forEach((v, j) => {
      if (v < lim.jawTravel.minMm - EPS_MM || v > lim.jawTravel.maxMm + EPS_MM) out.push(violation(beam, i, `${at}.${j}`, `control point ${cp.index}: jaw ${j + 1} outside its travel`, { actual: v, limit: `${lim.jawTravel.minMm}..${lim.jawTravel.maxMm}`, unit: 'mm' }));
    });
  }
  return out;
}

function checkLeaves(beam: RtBeam, i: number, cp: ControlPoint, mlc: MlcModel): Violation[] {
  const out: Violation[] = [];
  const { bankAMm: a, bankBMm: b } = cp.leaves!;
  const bounds = beam.mlc!.boundariesMm;
  const shield = beam.mlc!.axis === 'MLCX' ? cp.jaws.yMm : cp.jaws.xMm;
  const at = (bank: 'A' | 'B', p: number) => `controlPoints.${cp.index}.leaves.bank${bank}Mm.${p}`;
  const where = (bank: 'A' | 'B', p: number) => `control point ${cp.index}, leaf pair ${p} bank ${bank}`;
  const travel = a.findIndex((x, p) => x < mlc.travel.minMm - EPS_MM || x > mlc.travel.maxMm + EPS_MM || b[p] < mlc.travel.minMm - EPS_MM || b[p] > mlc.travel.maxMm + EPS_MM);
  if (travel >= 0) {
    const bank = a[travel] < mlc.travel.minMm - EPS_MM || a[travel] > mlc.travel.maxMm + EPS_MM ? 'A' : 'B';
    out.push(violation(beam, i, at(bank, travel), `${where(bank, travel)}: beyond leaf travel`, { actual: bank === 'A' ? a[travel] : b[travel], limit: `${mlc.travel.minMm}..${mlc.travel.maxMm}`, unit: 'mm' }));
  }
  const exposed = (p: number) => !shield || (bounds[p + 1] > shield[0] && bounds[p] < shield[1]);
  const gap = a.findIndex((x, p) => x - b[p] < -EPS_MM || (exposed(p) && x - b[p] < mlc.minGapMm - EPS_MM));
  if (gap >= 0) out.push(violation(beam, i, at('A', gap), `${where('A', gap)}: gap to the opposing leaf below the minimum`, { actual: r3(a[gap] - b[gap]), limit: `>= ${a[gap] < b[gap] ? 0 : mlc.minGapMm}`, unit: 'mm' }));
  if (!mlc.interdigitation) {
    const p = a.findIndex((_, q) => q + 1 < a.length && (b[q] > a[q + 1] + EPS_MM || b[q + 1] > a[q] + EPS_MM));
    if (p >= 0) {
      const bank = b[p] > a[p + 1] + EPS_MM ? p : p + 1;
      out.push(violation(beam, i, at('B', bank), `${where('B', bank)}: passes the neighbouring pair's bank A leaf (interdigitation not allowed on ${mlc.id})`, { actual: b[bank], limit: `<= ${bank === p ? a[p + 1] : a[p]}`, unit: 'mm' }));
    }
  }
  return out;
}

function checkSpeed(beam: RtBeam, i: number, prev: ControlPoint, cp: ControlPoint, lim: ControlPointLimits): Violation | undefined {
  if (!prev.leaves || !cp.leaves) return undefined;
  const dMu = (cp.cumulativeWeight - prev.cumulativeWeight) * beam.metersetMu;
  if (dMu <= 0) return undefined; // leaves move with the beam off: no MU-based limit
  const rate = prev.doseRateMuPerMin ?? lim.maxDoseRateMuPerMin;
  const dtS = (dMu / rate) * 60;
  const maxMm = lim.mlc.maxLeafSpeedMmPerS * dtS;
  for (const bank of ['A', 'B'] as const) {
    const now = bank === 'A' ? cp.leaves.bankAMm : cp.leaves.bankBMm;
    const was = bank === 'A' ? prev.leaves.bankAMm : prev.leaves.bankBMm;
    const p = now.findIndex((x, q) => Math.abs(x - was[q]) > maxMm + EPS_MM);
    if (p >= 0) {
      return violation(beam, i, `controlPoints.${cp.index}.leaves.bank${bank}Mm.${p}`, `control point ${prev.index}→${cp.index}, leaf pair ${p} bank ${bank}: too fast at ${rate} MU/min`, { actual: r3(Math.abs(now[p] - was[p]) / dtS), limit: `<= ${lim.mlc.maxLeafSpeedMmPerS}`, unit: 'mm/s' });
    }
  }
  return undefined;
}
