/**
 * Sliding-window (dynamic MLC) trajectories, time-optimal for unidirectional
 * leaf motion under a maximum leaf speed (Spirou & Chui 1994; Stein et al.
 * 1994; Svensson et al. 1994). Per row, at bixel centres the leading leaf
 * passes at MU R(j) and the trailing leaf at L(j) = R(j) + a(j):
 *   R(j) = R(j−1) + Δ + max(0, a(j−1) − a(j))   (trailing leaf at full speed where fluence falls)
 *   L(j) = L(j−1) + Δ + max(0, a(j) − a(j−1))   (leading leaf at full speed where it rises)
 * with Δ = bixel width / max speed × dose rate, the MU one bixel of travel needs.
 * A row needs Σ positive increments + n·Δ MU; every pair runs on the slowest
 * row's meterset (a faster row finishes and parks closed at the far edge).
 */
import { at, type FluenceMap } from './fluence-map.js';

export interface SlidingWindowOptions {
  readonly bixelWidthMm: number;
  readonly maxLeafSpeedMmPerS: number;
  readonly doseRateMuPerMin: number;
  readonly minGapMm: number;
  /** X_b of the left edge of column 0, mm. */
  readonly originMm: number;
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
  /** Σ positive increments of the slowest row + n·Δ: the analytic minimum. */
  readonly analyticMinimumMu: number;
  readonly muPerBixelTravel: number;
  readonly controlPoints: ControlPoint[];
  readonly maxLeafSpeedMmPerS: number;
  /** Delivered minus intended fluence per bixel (bixel average), MU, row-major. */
  readonly errorPerBixelMu: number[];
  readonly maxAbsErrorMu: number;
}

type Knots = Array<[number, number]>; // [mu, position in bixel widths]

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

/** MU at which a monotone trajectory reaches position x (inverse of interp). */
function muAt(k: Knots, x: number): number {
  if (x <= k[0][1]) return k[0][0];
  for (let i = 1; i < k.length; i++) {
    if (x <= k[i][1]) {
      const [m0, x0] = k[i - 1];
      const [m1, x1] = k[i];
      return x1 === x0 ? m0 : m0 + ((m1 - m0) * (x - x0)) / (x1 - x0);
    }
  }
  return k[k.length - 1][0];
}

export function slidingWindow(map: FluenceMap, o: SlidingWindowOptions): SlidingWindowResult {
  const delta = (o.bixelWidthMm / o.maxLeafSpeedMmPerS) * (o.doseRateMuPerMin / 60);
  const n = map.cols;
  const leading: Knots[] = [];
  const trailing: Knots[] = [];
  let slowest = 0;
  let slowestIncrements = 0;
  for (let r = 0; r < map.rows; r++) {
    const lead: Knots = [[0, 0]];
    const trail: Knots = [[0, 0]];
    let R = delta / 2;
    let L = R + at(map, r, 0);
    let inc = at(map, r, 0);
    lead.push([R, 0.5]);
    trail.push([L, 0.5]);
    for (let j = 1; j < n; j++) {
      const a0 = at(map, r, j - 1);
      const a1 = at(map, r, j);
      R += delta + Math.max(0, a0 - a1);
      L += delta + Math.max(0, a1 - a0);
      inc += Math.max(0, a1 - a0);
      lead.push([R, j + 0.5]);
      trail.push([L, j + 0.5]);
    }
    lead.push([R + delta / 2, n]);
    trail.push([L + delta / 2, n]);
    leading.push(lead);
    trailing.push(trail);
    if (L + delta / 2 > slowest) {
      slowest = L + delta / 2;
      slowestIncrements = inc;
    }
  }
  const totalMu = slowest;
  const mus = [...new Set([...leading, ...trailing].flatMap((k) => k.map(([m]) => m)).concat([totalMu]))].sort((a, b) => a - b);
  const half = o.minGapMm / 2;
  const controlPoints = mus.map((mu) => ({
    metersetWeight: totalMu > 0 ? mu / totalMu : 1,
    mu,
    bankAMm: leading.map((k) => o.originMm + interp(k, mu) * o.bixelWidthMm + half),
    bankBMm: trailing.map((k) => o.originMm + interp(k, mu) * o.bixelWidthMm - half),
  }));
  let maxSpeed = 0;
  const muPerS = o.doseRateMuPerMin / 60;
  for (let i = 1; i < controlPoints.length; i++) {
    const dtS = (controlPoints[i].mu - controlPoints[i - 1].mu) / muPerS;
    if (dtS <= 0) continue;
    for (let r = 0; r < map.rows; r++) {
      maxSpeed = Math.max(maxSpeed, Math.abs(controlPoints[i].bankAMm[r] - controlPoints[i - 1].bankAMm[r]) / dtS, Math.abs(controlPoints[i].bankBMm[r] - controlPoints[i - 1].bankBMm[r]) / dtS);
    }
  }
  // delivered fluence: a point x is exposed from when the (widened) leading leaf passes it until the trailing leaf does
  const SAMPLES = 20;
  const errorPerBixelMu: number[] = [];
  let maxAbs = 0;
  for (let r = 0; r < map.rows; r++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let s = 0; s < SAMPLES; s++) {
        const x = j + (s + 0.5) / SAMPLES;
        const open = muAt(leading[r], x - half / o.bixelWidthMm);
        const close = muAt(trailing[r], x + half / o.bixelWidthMm);
        sum += Math.max(0, close - open);
      }
      const e = sum / SAMPLES - at(map, r, j);
      errorPerBixelMu.push(e);
      maxAbs = Math.max(maxAbs, Math.abs(e));
    }
  }
  return { totalMu, analyticMinimumMu: slowestIncrements + n * delta, muPerBixelTravel: delta, controlPoints, maxLeafSpeedMmPerS: maxSpeed, errorPerBixelMu, maxAbsErrorMu: maxAbs };
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
