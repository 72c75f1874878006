/**
 * One-dimensional profile tools for the picket-fence analysis: peak search and
 * the half-maximum edges of a peak (positions in fractional sample indices,
 * linear interpolation between samples).
 */

/**
 * Local maxima rising above `threshold` (a fraction of the profile's range above
 * its minimum), at least `minSeparation` samples apart (the higher one wins).
 */
export function findPeaks(p: ArrayLike<number>, threshold: number, minSeparation: number): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < p.length; i++) {
    lo = Math.min(lo, p[i]);
    hi = Math.max(hi, p[i]);
  }
  const level = lo + threshold * (hi - lo);
  const candidates: number[] = [];
  for (let i = 1; i < p.length - 1; i++) if (p[i] >= level && p[i] >= p[i - 1] && p[i] > p[i + 1]) candidates.push(i);
  candidates.sort((a, b) => p[b] - p[a]);
  const kept: number[] = [];
  for (const c of candidates) if (kept.every((k) => Math.abs(k - c) >= minSeparation)) kept.push(c);
  return kept.sort((a, b) => a - b);
}

export interface PeakEdges {
  /** Half-maximum crossings left and right of the peak, fractional indices. */
  readonly left: number;
  readonly right: number;
  /** Peak height above the window's baseline (its minimum). */
  readonly height: number;
}

/**
 * The full width at half maximum of the peak in samples [from, to): the level is
 * halfway between the window's minimum and maximum; each side's crossing is
 * interpolated linearly. Undefined when a side never falls below the level.
 */
export function halfMaxEdges(p: ArrayLike<number>, from: number, to: number): PeakEdges | undefined {
  const a = Math.max(0, Math.floor(from));
  const b = Math.min(p.length, Math.ceil(to));
  if (b - a < 3) return undefined;
  let iMax = a;
  let lo = Infinity;
  for (let i = a; i < b; i++) {
    if (p[i] > p[iMax]) iMax = i;
    lo = Math.min(lo, p[i]);
  }
  const height = p[iMax] - lo;
  if (!(height > 0)) return undefined;
  const half = lo + height / 2;
  let l = iMax;
  while (l > a && p[l - 1] >= half) l--;
  let r = iMax;
  while (r < b - 1 && p[r + 1] >= half) r++;
  if (l === a || r === b - 1) return undefined;
  const left = l - 1 + (half - p[l - 1]) / (p[l] - p[l - 1]);
  const right = r + (p[r] - half) / (p[r] - p[r + 1]);
  return { left, right, height };
}
