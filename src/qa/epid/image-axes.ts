/**
 * Pre-analysis of a picket-fence image, after pylinac's description of its
 * picket-fence algorithm (pylinac docs, "Picket Fence module", Algorithm:
 * image inversion from the corners, orientation from the axis profiles): which
 * way up the signal is, and along which image axis the leaves travel. Returns a
 * view in leaf coordinates: u along leaf motion, v across the leaves (mm,
 * isocentre plane).
 */
import type { EpidImage } from './epid-image.js';

export type LeafAxis = 'cols' | 'rows';

export interface LeafView {
  /** Samples along leaf motion and across the leaves. */
  readonly nU: number;
  readonly nV: number;
  readonly uMm: (iU: number) => number;
  readonly vMm: (iV: number) => number;
  /** Signal (inverted if needed) at (iU, iV). */
  readonly at: (iU: number, iV: number) => number;
  readonly pixelMm: number;
  readonly leafAxis: LeafAxis;
  readonly inverted: boolean;
}

/** Corners (5 % boxes) brighter than the image mean ⇒ the panel's signal is inverted (pylinac's test). */
export function looksInverted(img: EpidImage): boolean {
  const bw = Math.max(1, Math.floor(img.cols * 0.05));
  const bh = Math.max(1, Math.floor(img.rows * 0.05));
  let mean = 0;
  for (let k = 0; k < img.data.length; k++) mean += img.data[k];
  mean /= img.data.length;
  let corner = 0;
  let n = 0;
  for (const [r0, c0] of [[0, 0], [0, img.cols - bw], [img.rows - bh, 0], [img.rows - bh, img.cols - bw]]) {
    for (let i = r0; i < r0 + bh; i++) for (let j = c0; j < c0 + bw; j++) (corner += img.data[i * img.cols + j]), n++;
  }
  return corner / n > mean;
}

/** Coefficient of variation of the central 60 % of a profile. */
function centralVariation(p: Float64Array): number {
  const a = Math.floor(p.length * 0.2);
  const s = p.subarray(a, p.length - a);
  const mean = s.reduce((x, y) => x + y, 0) / s.length;
  const sd = Math.sqrt(s.reduce((x, y) => x + (y - mean) ** 2, 0) / s.length);
  return mean !== 0 ? sd / Math.abs(mean) : 0;
}

/**
 * The leaves travel along the axis whose mean profile varies more (the pickets make peaks along
 * it; across the leaves every pair shows the same pickets).
 */
export function findLeafAxis(img: EpidImage): LeafAxis {
  const alongCols = new Float64Array(img.cols);
  const alongRows = new Float64Array(img.rows);
  for (let i = 0; i < img.rows; i++) {
    for (let j = 0; j < img.cols; j++) {
      alongCols[j] += img.data[i * img.cols + j];
      alongRows[i] += img.data[i * img.cols + j];
    }
  }
  return centralVariation(alongCols) >= centralVariation(alongRows) ? 'cols' : 'rows';
}

export function leafView(img: EpidImage, leafAxis: LeafAxis = findLeafAxis(img), inverted = looksInverted(img)): LeafView {
  let max = -Infinity;
  for (let k = 0; k < img.data.length; k++) max = Math.max(max, img.data[k]);
  const value = (k: number): number => (inverted ? max - img.data[k] : img.data[k]);
  const byCols = leafAxis === 'cols';
  return {
    nU: byCols ? img.cols : img.rows,
    nV: byCols ? img.rows : img.cols,
    uMm: (iU) => (byCols ? img.x0Mm : img.y0Mm) + iU * img.pixelMm,
    vMm: (iV) => (byCols ? img.y0Mm : img.x0Mm) + iV * img.pixelMm,
    at: byCols ? (iU, iV) => value(iV * img.cols + iU) : (iU, iV) => value(iU * img.cols + iV),
    pixelMm: img.pixelMm,
    leafAxis,
    inverted,
  };
}
