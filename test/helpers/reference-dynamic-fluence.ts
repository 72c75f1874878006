/**
 * Independent reference for sliding-window fluence: steps through the beam in
 * small MU increments, takes the leaf positions at each step's midpoint by
 * linear interpolation between control points, and adds (step MU × the
 * fraction of each bixel inside the open aperture [bank B, bank A]).
 * It integrates over time, where `src/domain/sequencing/delivered-fluence.ts`
 * solves crossing times per point; it never sees the sequencer's formulas.
 */
export interface ReferenceControlPoint {
  readonly mu: number;
  readonly bankAMm: readonly number[];
  readonly bankBMm: readonly number[];
}

export function referenceDynamicFluence(points: readonly ReferenceControlPoint[], rows: number, cols: number, originMm: number, bixelWidthMm: number, stepsPerInterval = 100): number[][] {
  const f = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let k = 1; k < points.length; k++) {
    const p = points[k - 1];
    const q = points[k];
    const dMu = (q.mu - p.mu) / stepsPerInterval;
    if (!(dMu > 0)) continue;
    for (let s = 0; s < stepsPerInterval; s++) {
      const t = (s + 0.5) / stepsPerInterval;
      for (let r = 0; r < rows; r++) {
        const left = p.bankBMm[r] + (q.bankBMm[r] - p.bankBMm[r]) * t;
        const right = p.bankAMm[r] + (q.bankAMm[r] - p.bankAMm[r]) * t;
        for (let c = 0; c < cols; c++) {
          const lo = originMm + c * bixelWidthMm;
          const overlap = Math.min(right, lo + bixelWidthMm) - Math.max(left, lo);
          if (overlap > 0) f[r][c] += (dMu * overlap) / bixelWidthMm;
        }
      }
    }
  }
  return f;
}
