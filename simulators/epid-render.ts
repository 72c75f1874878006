/**
 * The portal image a beam makes through given (true) leaf and jaw positions:
 * pure math, no I/O. The image lies in the isocentre plane (X_b along columns,
 * Y_b along rows, pixel size at the isocentre; a panel at SID s with pitch p
 * has pixelMm = p · SAD / s). Signal is open-field fluence per MU (1 = one MU
 * through a fully open field), summed over the delivered apertures:
 *
 *   I(x, y) = J(x, y) · Σ_k MU_k · [ Σ_r w_r(y) · (T + (1 − T) · O_rk(x)) + Σ_b g_b(y) · L · C_bk(x) ]
 *
 * O_rk: leaf pair r's opening in aperture k, each tip an error-function edge
 * (80–20 width P ⇒ σ = P / 1.6832); w_r: pair r's band across the leaves,
 * blurred the same way by the leaf-side penumbra; T: leaf transmission; L: extra
 * inter-leaf leakage in a narrow band g_b about each leaf boundary b where both
 * neighbours are closed (C_bk = (1 − O_rk)(1 − O_(r+1)k)); J: the jaws, erf edges
 * with their own transmission. Defaults and sources: docs/qa-mlc.md.
 */
import { erf, SIGMA_PER_80_20 } from '../src/core/erf.js';
import { gaussian, mulberry32 } from '../src/core/random.js';

export interface Aperture {
  readonly bankAMm: readonly number[];
  readonly bankBMm: readonly number[];
  readonly mu: number;
}

export interface Jaws {
  readonly x1Mm: number;
  readonly x2Mm: number;
  readonly y1Mm: number;
  readonly y2Mm: number;
}

export interface EpidRenderOptions {
  /** Pixel size at the isocentre plane, mm. */
  readonly pixelMm: number;
  /** Imaged area at the isocentre plane, centred on the beam axis, mm. */
  readonly widthMm: number;
  readonly heightMm: number;
  /** Leaf pair boundaries along Y_b, pairs + 1 values, increasing, mm. */
  readonly leafBoundariesMm: readonly number[];
  /** 80–20 % widths of the leaf-tip edge (along X_b), the leaf sides (along Y_b) and the jaws, mm. */
  readonly leafEndPenumbraMm: number;
  readonly leafSidePenumbraMm: number;
  readonly jawPenumbraMm: number;
  /** Fraction of the open fluence through a closed leaf, through the jaws, and extra between leaves. */
  readonly leafTransmission: number;
  readonly jawTransmission: number;
  readonly interleafLeakage: number;
  /** Full width at half maximum of the inter-leaf leakage band, mm. */
  readonly interleafBandMm: number;
  /** Gaussian noise, as a fraction of the open-field signal per MU delivered; 0 = none. */
  readonly noiseRelative: number;
  readonly noiseSeed: number;
}

export interface RenderedImage {
  readonly rows: number;
  readonly cols: number;
  /** Row-major; row i at y0Mm + i·pixelMm, column j at x0Mm + j·pixelMm (pixel centres, isocentre plane). */
  readonly data: Float32Array;
  readonly pixelMm: number;
  readonly x0Mm: number;
  readonly y0Mm: number;
}


/** The fraction of an error-function-blurred interval [lo, hi] seen at u (σ in the same unit). */
const window = (u: number, lo: number, hi: number, sigma: number): number => 0.5 * (erf((hi - u) / (Math.SQRT2 * sigma)) - erf((lo - u) / (Math.SQRT2 * sigma)));

export function renderPortalImage(apertures: readonly Aperture[], jaws: Jaws, o: EpidRenderOptions): RenderedImage {
  const cols = Math.round(o.widthMm / o.pixelMm);
  const rows = Math.round(o.heightMm / o.pixelMm);
  const x0Mm = -((cols - 1) * o.pixelMm) / 2;
  const y0Mm = -((rows - 1) * o.pixelMm) / 2;
  const xs = Float64Array.from({ length: cols }, (_, j) => x0Mm + j * o.pixelMm);
  const ys = Float64Array.from({ length: rows }, (_, i) => y0Mm + i * o.pixelMm);
  const sx = o.leafEndPenumbraMm / SIGMA_PER_80_20;
  const sy = o.leafSidePenumbraMm / SIGMA_PER_80_20;
  const sj = o.jawPenumbraMm / SIGMA_PER_80_20;
  const pairs = o.leafBoundariesMm.length - 1;
  const T = o.leafTransmission;
  // per leaf pair (and per boundary) the X profile summed over apertures
  const pairProfile = Array.from({ length: pairs }, () => new Float64Array(cols));
  const leakProfile = Array.from({ length: Math.max(0, pairs - 1) }, () => new Float64Array(cols));
  const open = new Float64Array(cols);
  const prevOpen = new Float64Array(cols);
  for (const ap of apertures) {
    for (let r = 0; r < pairs; r++) {
      const a = ap.bankAMm[r];
      const b = ap.bankBMm[r];
      for (let j = 0; j < cols; j++) {
        open[j] = a > b ? Math.max(0, window(xs[j], b, a, sx)) : 0;
        pairProfile[r][j] += ap.mu * (T + (1 - T) * open[j]);
        if (r > 0) leakProfile[r - 1][j] += ap.mu * o.interleafLeakage * (1 - prevOpen[j]) * (1 - open[j]);
      }
      prevOpen.set(open);
    }
  }
  const data = new Float32Array(rows * cols);
  const bandSigma = o.interleafBandMm / 2.3548;
  const jawX = Float64Array.from(xs, (x) => window(x, jaws.x1Mm, jaws.x2Mm, sj));
  const rand = mulberry32(o.noiseSeed);
  const totalMu = apertures.reduce((s, a) => s + a.mu, 0);
  for (let i = 0; i < rows; i++) {
    const y = ys[i];
    const jawY = window(y, jaws.y1Mm, jaws.y2Mm, sj);
    const line = new Float64Array(cols);
    for (let r = 0; r < pairs; r++) {
      const w = window(y, o.leafBoundariesMm[r], o.leafBoundariesMm[r + 1], sy);
      if (w < 1e-9) continue;
      for (let j = 0; j < cols; j++) line[j] += w * pairProfile[r][j];
    }
    for (let bIdx = 0; bIdx < pairs - 1; bIdx++) {
      const d = y - o.leafBoundariesMm[bIdx + 1];
      const g = Math.exp(-(d * d) / (2 * bandSigma * bandSigma));
      if (g < 1e-9) continue;
      for (let j = 0; j < cols; j++) line[j] += g * leakProfile[bIdx][j];
    }
    for (let j = 0; j < cols; j++) {
      const jaw = o.jawTransmission + (1 - o.jawTransmission) * jawX[j] * jawY;
      const noise = o.noiseRelative > 0 ? o.noiseRelative * totalMu * gaussian(rand) : 0;
      data[i * cols + j] = jaw * line[j] + noise;
    }
  }
  return { rows, cols, data, pixelMm: o.pixelMm, x0Mm, y0Mm };
}
