/**
 * The fluence a sliding-window delivery gives, integrated from its control
 * points alone: between control points every leaf moves linearly in MU (as
 * the MLC controller interpolates them), and a point x is irradiated while
 * bank B (X1) < x < bank A (X2). Per bixel the result is the mean over
 * `samplesPerBixel` points; in time it is exact (each interval is solved for
 * the MU range in which both leaves are clear of x). Knows nothing of how the
 * trajectories were made, so it can judge them.
 */

export interface TrajectoryControlPoint {
  readonly mu: number;
  /** Per row, X_b of the bank A (X2) and bank B (X1) leaf tips, mm. */
  readonly bankAMm: readonly number[];
  readonly bankBMm: readonly number[];
}

/** Fraction of [0, 1] on which p0 + (p1 − p0)·t − x has sign `above` (> 0 when true, < 0 when false). */
function side(p0: number, p1: number, x: number, above: boolean): [number, number] {
  const d0 = above ? p0 - x : x - p0;
  const d1 = above ? p1 - x : x - p1;
  if (d0 > 0 && d1 > 0) return [0, 1];
  if (d0 <= 0 && d1 <= 0) return [0, 0];
  const t = d0 / (d0 - d1);
  return d0 > 0 ? [0, t] : [t, 1];
}

/** MU for which x is exposed between two control points of one row. */
function exposedMu(a: TrajectoryControlPoint, b: TrajectoryControlPoint, r: number, xMm: number): number {
  const dMu = b.mu - a.mu;
  if (dMu <= 0) return 0;
  const [a0, a1] = side(a.bankAMm[r], b.bankAMm[r], xMm, true);
  const [b0, b1] = side(a.bankBMm[r], b.bankBMm[r], xMm, false);
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0)) * dMu;
}

/**
 * The control points at which row r's leaf trajectories bend: between two kept points both leaves
 * of the row move linearly in MU, so integrating over the kept points alone gives the same fluence
 * (a piecewise-linear path is unchanged by dropping points on a straight stretch). A sliding-window
 * delivery has thousands of points, each row bending at only a few of them.
 */
function bends(points: readonly TrajectoryControlPoint[], r: number): TrajectoryControlPoint[] {
  const kept = [points[0]];
  const straight = (p0: number, p1: number, p2: number, dMu01: number, dMu12: number): boolean =>
    Math.abs((p1 - p0) * dMu12 - (p2 - p1) * dMu01) <= 1e-9 * Math.max(1, Math.abs(p1 - p0) + Math.abs(p2 - p1)) * Math.max(dMu01, dMu12, 1);
  for (let k = 1; k < points.length - 1; k++) {
    const a = kept[kept.length - 1];
    const [b, c] = [points[k], points[k + 1]];
    const d01 = b.mu - a.mu;
    const d12 = c.mu - b.mu;
    const onLine = d01 > 0 && d12 > 0 && straight(a.bankAMm[r], b.bankAMm[r], c.bankAMm[r], d01, d12) && straight(a.bankBMm[r], b.bankBMm[r], c.bankBMm[r], d01, d12);
    if (!onLine) kept.push(b);
  }
  if (points.length > 1) kept.push(points[points.length - 1]);
  return kept;
}

/** Delivered fluence per bixel, MU, row-major rows × cols. */
export function deliveredFluence(points: readonly TrajectoryControlPoint[], rows: number, cols: number, grid: { originMm: number; bixelWidthMm: number }, samplesPerBixel = 16): number[] {
  const out = new Array<number>(rows * cols).fill(0);
  for (let r = 0; r < rows; r++) {
    const row = bends(points, r);
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let s = 0; s < samplesPerBixel; s++) {
        const x = grid.originMm + (c + (s + 0.5) / samplesPerBixel) * grid.bixelWidthMm;
        for (let k = 1; k < row.length; k++) sum += exposedMu(row[k - 1], row[k], r, x);
      }
      out[r * cols + c] = sum / samplesPerBixel;
    }
  }
  return out;
}
