/**
 * Picket-fence analysis of a portal image, following the approach pylinac
 * documents for its PicketFence (docs "Picket Fence module", Algorithm; not its
 * code): find the pickets as peaks of the mean profile along leaf motion; for
 * each leaf pair take the profile along its centre band (half a leaf wide) and
 * find the full width at half maximum of every picket; the FWHM centre is the
 * pair's picket position; fit each picket with a straight line across the leaves
 * (robustly, so one bad leaf does not drag it) and report each position's error
 * from the line. Beyond pylinac's pair analysis, the two half-maximum edges are
 * the two leaf tips (−u: bank B, +u: bank A when u = X_b): each leaf's error is
 * its edge minus (picket line ± half the nominal gap); with the leaf-side
 * penumbra given, the blur between neighbouring leaves is undone first
 * (`leaf-crosstalk.ts`). Positions in mm at the isocentre plane.
 */
import type { EpidImage } from './epid-image.js';
import { leafView, type LeafAxis, type LeafView } from './image-axes.js';
import { crosstalkWeights, solveLinear } from './leaf-crosstalk.js';
import { findPeaks, halfMaxEdges } from './profile-peaks.js';
import { robustLineFit } from './robust-line.js';

export interface PicketFenceOptions {
  /** Leaf-pair boundaries across the leaves (v), increasing, mm at the isocentre; pair index 0 is below boundary 1. */
  readonly leafBoundariesMm: readonly number[];
  readonly leafAxis?: LeafAxis;
  readonly invert?: boolean;
  /** Fraction of each leaf's width sampled about its centre (default 0.5, as pylinac). */
  readonly sampleFraction?: number;
  /** Leaf-side 80–20 % penumbra of the imager, mm: corrects the blur between neighbours (default: none). */
  readonly leafSidePenumbraMm?: number;
  /** The gap each picket was delivered with, mm (default: each picket's median measured gap). */
  readonly nominalGapMm?: number;
  /** Pickets closer than this are one picket, mm (default 5). */
  readonly minPicketSeparationMm?: number;
  /** A pair whose peak is below this fraction of the picket's median height is outside the field (default 0.5). */
  readonly minPeakFraction?: number;
}

export interface PicketLeafMeasurement {
  /** Leaf pair index (0-based); the leaf number is pair + 1. */
  readonly pair: number;
  readonly picket: number;
  readonly centreMm: number;
  readonly lowEdgeMm: number;
  readonly highEdgeMm: number;
  /** The fitted picket line at this pair, mm. */
  readonly fitCentreMm: number;
  /** centre − line (pylinac's pair error), and each tip minus (line ∓ gap/2), mm. */
  readonly centreErrorMm: number;
  readonly lowErrorMm: number;
  readonly highErrorMm: number;
}

export interface PicketFenceResult {
  readonly leafAxis: LeafAxis;
  readonly inverted: boolean;
  readonly pickets: ReadonlyArray<{ readonly positionMm: number; readonly slope: number; readonly gapMm: number; readonly pairs: number }>;
  readonly leaves: readonly PicketLeafMeasurement[];
}

interface Raw {
  pair: number;
  vMm: number;
  samples: number[];
  low: number;
  high: number;
  height: number;
}

/** Per leaf pair, its centre band's rows and the mean profile along u over them. */
function pairProfiles(view: LeafView, bounds: readonly number[], fraction: number): Array<{ pair: number; vMm: number; samples: number[]; profile: Float64Array }> {
  const out = [];
  for (let r = 0; r + 1 < bounds.length; r++) {
    const vc = (bounds[r] + bounds[r + 1]) / 2;
    const half = (fraction * (bounds[r + 1] - bounds[r])) / 2;
    const rows: number[] = [];
    for (let iV = 0; iV < view.nV; iV++) if (Math.abs(view.vMm(iV) - vc) <= half) rows.push(iV);
    if (rows.length === 0) {
      const iV = Math.round((vc - view.vMm(0)) / view.pixelMm);
      if (iV < 0 || iV >= view.nV) continue;
      rows.push(iV);
    }
    const profile = new Float64Array(view.nU);
    for (const iV of rows) for (let iU = 0; iU < view.nU; iU++) profile[iU] += view.at(iU, iV) / rows.length;
    out.push({ pair: r, vMm: vc, samples: rows.map((iV) => view.vMm(iV)), profile });
  }
  return out;
}

function picketWindows(view: LeafView, sepMm: number): Array<[number, number]> {
  const mean = new Float64Array(view.nU);
  for (let iV = 0; iV < view.nV; iV++) for (let iU = 0; iU < view.nU; iU++) mean[iU] += view.at(iU, iV);
  const peaks = findPeaks(mean, 0.3, sepMm / view.pixelMm);
  const spacing = peaks.length > 1 ? Math.min(...peaks.slice(1).map((p, k) => p - peaks[k])) : view.nU;
  return peaks.map((p, k) => [k > 0 ? (peaks[k - 1] + p) / 2 : p - spacing / 2, k + 1 < peaks.length ? (p + peaks[k + 1]) / 2 : p + spacing / 2]);
}

export function analysePicketFence(img: EpidImage, o: PicketFenceOptions): PicketFenceResult {
  const view = leafView(img, o.leafAxis, o.invert);
  const windows = picketWindows(view, o.minPicketSeparationMm ?? 5);
  const profiles = pairProfiles(view, o.leafBoundariesMm, o.sampleFraction ?? 0.5);
  const toMm = (idx: number) => view.uMm(0) + idx * view.pixelMm;
  const pickets: Array<PicketFenceResult['pickets'][number]> = [];
  const leaves: PicketLeafMeasurement[] = [];
  windows.forEach(([from, to], k) => {
    const raw: Raw[] = [];
    for (const p of profiles) {
      const e = halfMaxEdges(p.profile, from, to);
      if (e) raw.push({ pair: p.pair, vMm: p.vMm, samples: p.samples, low: toMm(e.left), high: toMm(e.right), height: e.height });
    }
    const heights = raw.map((r) => r.height).sort((a, b) => a - b);
    const inField = raw.filter((r) => r.height >= (o.minPeakFraction ?? 0.5) * heights[heights.length >> 1]);
    if (inField.length < 2) return;
    let low = inField.map((r) => r.low);
    let high = inField.map((r) => r.high);
    if (o.leafSidePenumbraMm !== undefined) {
      const w = crosstalkWeights(o.leafBoundariesMm, inField.map((r) => r.pair), inField.map((r) => r.samples), o.leafSidePenumbraMm);
      low = solveLinear(w, low);
      high = solveLinear(w, high);
    }
    const centres = low.map((l, i) => (l + high[i]) / 2);
    const v = inField.map((r) => r.vMm);
    const fit = robustLineFit(v, centres);
    const gaps = high.map((h, i) => h - low[i]).sort((a, b) => a - b);
    const gapMm = o.nominalGapMm ?? gaps[gaps.length >> 1];
    pickets.push({ positionMm: fit.intercept, slope: fit.slope, gapMm, pairs: inField.length });
    inField.forEach((r, i) => {
      const line = fit.intercept + fit.slope * r.vMm;
      leaves.push({ pair: r.pair, picket: pickets.length - 1, centreMm: centres[i], lowEdgeMm: low[i], highEdgeMm: high[i], fitCentreMm: line, centreErrorMm: centres[i] - line, lowErrorMm: low[i] - (line - gapMm / 2), highErrorMm: high[i] - (line + gapMm / 2) });
    });
  });
  return { leafAxis: view.leafAxis, inverted: view.inverted, pickets, leaves };
}
