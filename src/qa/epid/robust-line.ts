/**
 * A straight line u = intercept + slope · v fitted by least squares, then refitted
 * without the points whose residual exceeds max(floorMm, 3 × 1.4826 × MAD): one
 * faulty leaf must not drag the picket it is measured against.
 */
export interface LineFit {
  readonly intercept: number;
  readonly slope: number;
  /** Which points the final fit used. */
  readonly used: readonly boolean[];
}

function leastSquares(v: readonly number[], u: readonly number[], use: readonly boolean[]): { intercept: number; slope: number } {
  let n = 0;
  let sv = 0;
  let su = 0;
  let svv = 0;
  let svu = 0;
  for (let i = 0; i < v.length; i++) {
    if (!use[i]) continue;
    n++;
    sv += v[i];
    su += u[i];
    svv += v[i] * v[i];
    svu += v[i] * u[i];
  }
  const den = n * svv - sv * sv;
  if (n === 0) return { intercept: NaN, slope: NaN };
  if (n === 1 || Math.abs(den) < 1e-12) return { intercept: su / n, slope: 0 };
  const slope = (n * svu - sv * su) / den;
  return { intercept: (su - slope * sv) / n, slope };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function robustLineFit(v: readonly number[], u: readonly number[], floorMm = 0.1, rounds = 3): LineFit {
  let used = v.map(() => true);
  let fit = leastSquares(v, u, used);
  for (let k = 0; k < rounds; k++) {
    const res = v.map((vi, i) => u[i] - (fit.intercept + fit.slope * vi));
    const mad = median(res.filter((_, i) => used[i]).map((r) => Math.abs(r - median(res.filter((__, j) => used[j])))));
    const limit = Math.max(floorMm, 3 * 1.4826 * mad);
    const next = res.map((r) => Math.abs(r) <= limit);
    if (next.filter(Boolean).length < 2 || next.every((x, i) => x === used[i])) break;
    used = next;
    fit = leastSquares(v, u, used);
  }
  return { ...fit, used };
}
