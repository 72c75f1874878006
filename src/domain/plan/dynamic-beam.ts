/**
 * A DYNAMIC beam (sliding window, dMLC) → its delivery form (plan.ts):
 * - `trajectory`: every control point's leaves by cumulative meterset weight
 *   (PS3.3 C.8.8.14: leaves move linearly in meterset between control points),
 *   loaded into the MLC controller, which follows it by the linac's dose fraction;
 * - one segment carrying the beam's MU over the envelope of the leaf openings
 *   (every bixel any control point opens, on a 1 mm grid snapped outward): an
 *   upper bound of where the beam goes, not its fluence. The session delivers it
 *   as one segment (segment end = the beam meterset) and checks the leaves
 *   against the trajectory at the measured MU (docs/dynamic-delivery.md).
 * A pair closed below the MLC's minimum gap (allowed by the plan checks only
 * behind the jaws) is opened to the minimum gap about its centre, as the
 * controller takes no narrower target. A DYNAMIC beam without MLC leaves (jaws alone moving) is refused: the
 * simulators drive no jaws.
 */
import type { MlcModel } from '../../config/mlc-model.js';
import { BridgeError } from '../../core/bridge-error.js';
import type { TrajectoryPoint } from '../../protocol/mlc-protocol.js';
import type { PlanBeam } from './plan.js';
import type { RtBeam } from './rt-plan.js';

/** Bixel width of a dynamic beam's envelope grid, mm. */
export const ENVELOPE_BIXEL_MM = 1;
const MAX_COLS = 400;

export function dynamicDeliveryBeam(b: RtBeam, i: number, mlc: MlcModel, doseRateMuPerMin: number): PlanBeam {
  const field = `plan.beams.${i}.controlPoints`;
  const trajectory: TrajectoryPoint[] = b.controlPoints.map((c, k) => {
    if (!c.leaves) throw new BridgeError('PLAN_INVALID', `beam ${b.number} (${b.name}) is DYNAMIC without MLC leaves at control point ${k}: jaw-only dynamic beams are not delivered (no jaw device)`, { field: `${field}.${k}.leaves`, limit: 'MLC leaves at every control point' });
    return { metersetWeight: c.cumulativeWeight, positions: atMinimumGap(c.leaves.bankAMm, c.leaves.bankBMm, mlc.minGapMm) };
  });
  const env = envelope(trajectory, mlc);
  const open = env.filter((iv): iv is [number, number] => iv !== null);
  if (open.length === 0) throw new BridgeError('PLAN_INVALID', `beam ${b.number} (${b.name}) opens no leaf pair`, { field });
  const origin = Math.floor(Math.min(...open.map((iv) => iv[0])) / ENVELOPE_BIXEL_MM) * ENVELOPE_BIXEL_MM;
  const right = Math.ceil(Math.max(...open.map((iv) => iv[1])) / ENVELOPE_BIXEL_MM) * ENVELOPE_BIXEL_MM;
  const cols = Math.round((right - origin) / ENVELOPE_BIXEL_MM);
  if (cols > MAX_COLS) throw new BridgeError('PLAN_INVALID', `beam ${b.number} (${b.name}): the leaf envelope needs ${cols} columns of ${ENVELOPE_BIXEL_MM} mm`, { field: `${field}.leaves`, actual: cols, limit: `<= ${MAX_COLS} columns` });
  const rows = env.map((iv): [number, number] | null => (iv ? [Math.floor((iv[0] - origin) / ENVELOPE_BIXEL_MM), Math.ceil((iv[1] - origin) / ENVELOPE_BIXEL_MM) - 1] : null));
  const mu = b.metersetMu;
  const fluence = rows.map((iv) => Array.from({ length: cols }, (_, c) => (iv && c >= iv[0] && c <= iv[1] ? mu : 0)));
  return {
    id: b.number,
    name: b.name || `Beam ${b.number}`,
    gantryDeg: b.controlPoints[0].gantryDeg,
    doseRateMuPerMin: Math.round(doseRateMuPerMin),
    grid: { bixelWidthMm: ENVELOPE_BIXEL_MM, originMm: origin, firstLeafPair: 0, rows: mlc.leafPairs, cols },
    segments: [{ mu, rows }],
    fluence,
    trajectory,
  };
}

/** Per leaf pair: [min bank B, max bank A] over the control points where the pair is open (gap ≥ minimum gap), or null. */
function envelope(points: readonly TrajectoryPoint[], mlc: MlcModel): Array<[number, number] | null> {
  return Array.from({ length: mlc.leafPairs }, (_, p) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const pt of points) {
      const a = pt.positions.bankAMm[p];
      const bb = pt.positions.bankBMm[p];
      if (a - bb < mlc.minGapMm) continue;
      lo = Math.min(lo, bb);
      hi = Math.max(hi, a);
    }
    return lo < hi ? [lo, hi] : null;
  });
}

/** Leaves as planned, except pairs closer than the minimum gap: opened to it about their centre. */
function atMinimumGap(a: readonly number[], b: readonly number[], minGapMm: number): { bankAMm: number[]; bankBMm: number[] } {
  const half = minGapMm / 2;
  const centre = (p: number) => (a[p] + b[p]) / 2;
  const closed = (p: number) => a[p] - b[p] < minGapMm;
  return { bankAMm: a.map((v, p) => (closed(p) ? centre(p) + half : v)), bankBMm: b.map((v, p) => (closed(p) ? centre(p) - half : v)) };
}
