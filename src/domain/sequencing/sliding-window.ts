/**
 * Sliding-window (dynamic MLC) trajectories that deliver an integer (step)
 * fluence map exactly, time-optimal for unidirectional leaf motion under a
 * maximum leaf speed (Convery & Rosenbloom 1992; Spirou & Chui 1994; Stein et
 * al. 1994). Positions in bixel widths, time in MU. Inside a bixel both leaves
 * move at full speed (Δ MU per bixel); at the edge between bixels j−1 and j a
 * leaf *waits*: the leading leaf (bank A, X2) for max(0, a(j−1) − a(j)), the
 * trailing leaf (bank B, X1) for max(0, a(j) − a(j−1)). A point x then opens at
 * R(x) and closes at R(x) + a(x): the step profile, with no ramps at the edges.
 * Control points are placed at every start and end of a wait, so linear
 * interpolation between them (what the MLC does) reproduces the trajectories.
 *
 * Minimum gap g: the leaves cross any point no closer than g, which takes
 * b = g/width·Δ MU at full speed, so each bixel is designed for max(a, b) (a zero
 * bixel inside a swept row receives b, the gap transmission no sweep avoids).
 * Bank B starts at −g, bank A ends at n + g (outside the map); a row of zeros
 * stays closed outside the map. A row needs Σ positive increments + n·Δ MU; every
 * pair runs on the slowest row's meterset (faster rows finish and wait closed
 * past the far edge). The delivered fluence is integrated from the control
 * points (`delivered-fluence.ts`) and a bixel off by more than the limit is refused.
 */
import { BridgeError } from '../../core/bridge-error.js';
import { deliveredFluence } from './delivered-fluence.js';
import { at, type FluenceMap } from './fluence-map.js';

export interface SlidingWindowOptions {
  readonly bixelWidthMm: number;
  readonly maxLeafSpeedMmPerS: number;
  readonly doseRateMuPerMin: number;
  readonly minGapMm: number;
  /** X_b of the left edge of column 0, mm. */
  readonly originMm: number;
  /** Refuse the result when any bixel's delivered fluence differs from the map by more than this, MU. */
  readonly maxBixelErrorMu: number;
  /** Leaf pair of map row 0, for naming a refused bixel (default 0). */
  readonly firstLeafPair?: number;
}

export interface ControlPoint {
  /** Cumulative meterset weight, 0..1. */
  readonly metersetWeight: number;
  readonly mu: number;
  /** Per row, X_b of the leading (bank A, X2) and trailing (bank B, X1) leaf tips, mm. */
  readonly bankAMm: number[];
  readonly bankBMm: number[];
}

export interface SlidingWindowResult {
  readonly totalMu: number;
  /** Σ positive increments of the slowest row + n·Δ: the analytic minimum without a minimum gap. */
  readonly analyticMinimumMu: number;
  readonly muPerBixelTravel: number;
  readonly controlPoints: ControlPoint[];
  readonly maxLeafSpeedMmPerS: number;
  /** Delivered (integrated from the control points) minus intended fluence per bixel (bixel mean), MU, row-major. */
  readonly errorPerBixelMu: number[];
  readonly maxAbsErrorMu: number;
}

type Knots = Array<[number, number]>; // [mu, position in bixel widths], mu non-decreasing

function interp(k: Knots, mu: number): number {
  if (mu <= k[0][0]) return k[0][1];
  for (let i = 1; i < k.length; i++) {
    if (mu <= k[i][0]) {
      const [m0, x0] = k[i - 1];
      const [m1, x1] = k[i];
      return m1 === m0 ? x1 : x0 + ((x1 - x0) * (mu - m0)) / (m1 - m0);
    }
  }
  return k[k.length - 1][1];
}

const push = (k: Knots, mu: number, x: number): void => {
  const last = k[k.length - 1];
  if (last[0] !== mu || last[1] !== x) k.push([mu, x]);
};

/** Both leaves of one row; `e` is the designed fluence per bixel (≥ b), `gap` in bixels, `b` its crossing MU. */
function rowKnots(e: number[], delta: number, gap: number, b: number): { lead: Knots; trail: Knots; endMu: number } {
  const n = e.length;
  const lead: Knots = [[0, 0]];
  const trail: Knots = [[0, -gap]];
  push(trail, e[0] - b, -gap); // wait until the gap may close at full speed, then reach 0 at e[0]
  push(trail, e[0], 0);
  let r = 0; // MU at which the leading leaf leaves edge j
  for (let j = 0; j < n; j++) {
    if (j > 0) {
      r += Math.max(0, e[j - 1] - e[j]); // leading leaf waits where the fluence falls
      push(lead, r, j);
      push(trail, r + e[j], j); // trailing leaf waits where it rises
    }
    push(lead, r + delta, j + 1);
    push(trail, r + e[j] + delta, j + 1);
    r += delta;
  }
  push(lead, r + e[n - 1] - b, n); // then clear the far edge by the gap as the trailing leaf arrives
  push(lead, r + e[n - 1], n + gap);
  return { lead, trail, endMu: r + e[n - 1] };
}

export function slidingWindow(map: FluenceMap, o: SlidingWindowOptions): SlidingWindowResult {
  const delta = (o.bixelWidthMm / o.maxLeafSpeedMmPerS) * (o.doseRateMuPerMin / 60);
  const n = map.cols;
  const gap = o.minGapMm / o.bixelWidthMm;
  const b = gap * delta;
  const leading: Knots[] = [];
  const trailing: Knots[] = [];
  let totalMu = 0;
  let analyticMinimumMu = 0;
  for (let r = 0; r < map.rows; r++) {
    const a = Array.from({ length: n }, (_, j) => at(map, r, j));
    if (a.every((v) => v === 0)) {
      leading.push([[0, 0]]); // closed outside the map for the whole beam
      trailing.push([[0, -gap]]);
      continue;
    }
    const k = rowKnots(a.map((v) => Math.max(v, b)), delta, gap, b);
    leading.push(k.lead);
    trailing.push(k.trail);
    totalMu = Math.max(totalMu, k.endMu);
    analyticMinimumMu = Math.max(analyticMinimumMu, a.reduce((s, v, j) => s + Math.max(0, v - (j > 0 ? a[j - 1] : 0)), 0) + n * delta);
  }
  const mus = controlPointMus([...leading, ...trailing].flatMap((k) => k.map(([m]) => m)), totalMu);
  const mm = (x: number) => o.originMm + x * o.bixelWidthMm;
  const controlPoints = mus.map((mu) => ({
    metersetWeight: totalMu > 0 ? mu / totalMu : 1,
    mu,
    bankAMm: leading.map((k) => mm(interp(k, mu))),
    bankBMm: trailing.map((k) => mm(interp(k, mu))),
  }));
  const delivered = deliveredFluence(controlPoints, map.rows, n, o);
  const errorPerBixelMu = delivered.map((d, i) => d - map.values[i]);
  let worst = 0;
  errorPerBixelMu.forEach((e, i) => {
    if (Math.abs(e) > Math.abs(errorPerBixelMu[worst])) worst = i;
  });
  const maxAbsErrorMu = errorPerBixelMu.length ? Math.abs(errorPerBixelMu[worst]) : 0;
  if (!(maxAbsErrorMu <= o.maxBixelErrorMu)) {
    const row = Math.floor(worst / n);
    throw new BridgeError('LIMIT_EXCEEDED', `sliding window delivers leaf pair ${(o.firstLeafPair ?? 0) + row}, bixel ${(worst % n) + 1} off the map by ${errorPerBixelMu[worst].toFixed(3)} MU`, { field: `map:${row + 1}:${(worst % n) + 1}`, actual: Number(maxAbsErrorMu.toFixed(4)), limit: o.maxBixelErrorMu, unit: 'MU' });
  }
  return { totalMu, analyticMinimumMu, muPerBixelTravel: delta, controlPoints, maxLeafSpeedMmPerS: maxSpeed(controlPoints, o.doseRateMuPerMin / 60), errorPerBixelMu, maxAbsErrorMu };
}

/**
 * The union of all knot MUs, sorted, ending exactly at the total. Knots of different rows that are
 * equal in exact arithmetic differ by rounding (37.8 vs 37.800000000000004): such near-duplicates
 * are merged (within 1e-6 MU) so no interval is too short to carry a leaf's position meaningfully.
 */
function controlPointMus(knots: number[], totalMu: number): number[] {
  const sorted = knots.concat([0, totalMu]).sort((x, y) => x - y);
  const out: number[] = [];
  for (const m of sorted) if (out.length === 0 || m - out[out.length - 1] > MERGE_MU) out.push(m);
  out[out.length - 1] = totalMu;
  return out;
}

const MERGE_MU = 1e-6;

function maxSpeed(cps: readonly ControlPoint[], muPerS: number): number {
  let v = 0;
  for (let i = 1; i < cps.length; i++) {
    const dtS = (cps[i].mu - cps[i - 1].mu) / muPerS;
    if (dtS <= 0) continue;
    cps[i].bankAMm.forEach((a, r) => (v = Math.max(v, Math.abs(a - cps[i - 1].bankAMm[r]) / dtS, Math.abs(cps[i].bankBMm[r] - cps[i - 1].bankBMm[r]) / dtS)));
  }
  return v;
}

/**
 * Control points on a full MLC bank: the map's rows on leaf pairs from
 * `firstLeafPair`, every other pair closed at the minimum gap where the
 * sweep starts. Positions in mm (X_b), as the MLC controller takes them.
 */
export function controlPointsOnBank(sw: SlidingWindowResult, leafPairs: number, firstLeafPair: number, minGapMm: number, parkMm: number): Array<{ metersetWeight: number; positions: { bankAMm: number[]; bankBMm: number[] } }> {
  return sw.controlPoints.map((cp) => {
    const a = new Array<number>(leafPairs).fill(parkMm + minGapMm / 2);
    const b = new Array<number>(leafPairs).fill(parkMm - minGapMm / 2);
    cp.bankAMm.forEach((v, r) => (a[firstLeafPair + r] = v));
    cp.bankBMm.forEach((v, r) => (b[firstLeafPair + r] = v));
    return { metersetWeight: cp.metersetWeight, positions: { bankAMm: a, bankBMm: b } };
  });
}
