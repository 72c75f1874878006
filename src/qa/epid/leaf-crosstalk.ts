/**
 * Undoes the blur across leaves. The profile sampled along a leaf pair's centre
 * band also sees its neighbours through the leaf-side penumbra, so a half-max
 * edge measured there is (to first order; the error-function edge has no
 * curvature at its midpoint) a weighted mean of the neighbouring tips:
 * e_r = Σ_s W_rs · p_s, with W_rs the mean, over the sampled band of pair r, of
 * the error-function window of pair s (rows normalised). Solving W p = e gives
 * each leaf's own tip. With the penumbra unknown (a real image) pass none and
 * the edges stay as measured (pylinac's behaviour).
 */
import { erf, SIGMA_PER_80_20 } from '../../core/erf.js';

/**
 * Mixing weights between the measured pairs `pairs` (indices into the boundaries), each sampled at
 * `samplesMm` (the across-leaf coordinates of the rows averaged for that pair).
 */
export function crosstalkWeights(boundariesMm: readonly number[], pairs: readonly number[], samplesMm: readonly (readonly number[])[], leafSidePenumbraMm: number): number[][] {
  const sigma = leafSidePenumbraMm / SIGMA_PER_80_20;
  return pairs.map((_, r) => {
    const row = pairs.map((s) => {
      const lo = boundariesMm[s];
      const hi = boundariesMm[s + 1];
      const ys = samplesMm[r];
      return ys.reduce((acc, y) => acc + 0.5 * (erf((hi - y) / (Math.SQRT2 * sigma)) - erf((lo - y) / (Math.SQRT2 * sigma))), 0) / ys.length;
    });
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((w) => w / total);
  });
}

/** Solves W p = e (Gaussian elimination with partial pivoting). */
export function solveLinear(w: readonly (readonly number[])[], e: readonly number[]): number[] {
  const n = e.length;
  const m = w.map((row, i) => [...row, e[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
    [m[c], m[piv]] = [m[piv], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      if (f !== 0) for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const p = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * p[k];
    p[r] = s / m[r][r];
  }
  return p;
}
