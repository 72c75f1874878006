// @ts-check
/**
 * Beam's-eye-view geometry of the MLC and jaws: pure functions, no DOM.
 * Frame: the beam-limiting-device frame b of IEC 61217 at the isocentre plane (docs/coordinates.md):
 * leaf positions are signed X_b in mm, bank A is X2 (+X, right), bank B is X1 (-X, left); leaf pair 0
 * has the most negative Y_b boundary, so it is drawn at the bottom. Jaws are signed edge coordinates
 * (x1 and y1 negative when the field is open across the axis), as DICOM's ASYMX/ASYMY positions.
 */

/**
 * @typedef {{ x: number, y: number, w: number, h: number }} Rect  mm or px, y upward in mm
 * @typedef {{ a: number[], b: number[] }} Banks  signed X_b positions (mm) of bank A and bank B, by leaf pair
 * @typedef {{ x1: number, x2: number, y1: number, y2: number }} Jaws  signed jaw edges (mm)
 */

/**
 * Y_b boundaries of the leaf pairs, centred on the axis: widths [w0..wn-1] give n+1 edges,
 * the first the most negative.
 * @param {readonly number[]} widthsMm
 * @returns {number[]}
 */
export function leafEdgesMm(widthsMm) {
  const total = widthsMm.reduce((s, w) => s + w, 0);
  const edges = [-total / 2];
  for (const w of widthsMm) edges.push(edges[edges.length - 1] + w);
  return edges;
}

/**
 * Widths to use when the snapshot does not name them: equal widths over the given height.
 * @param {number} pairs
 * @param {number} [heightMm]
 */
export function uniformWidthsMm(pairs, heightMm = 400) {
  return Array.from({ length: pairs }, () => heightMm / pairs);
}

/**
 * The leaves as rectangles in mm: bank B from the left travel limit to its tip, bank A from its tip to
 * the right travel limit, each pair one leaf width high.
 * @param {Banks} banks
 * @param {readonly number[]} widthsMm
 * @param {number} travelMm half-width of the drawn field (the leaves' outer ends)
 * @returns {{ pair: number, bankA: Rect, bankB: Rect }[]}
 */
export function leafRectsMm(banks, widthsMm, travelMm) {
  const edges = leafEdgesMm(widthsMm);
  return widthsMm.map((w, pair) => {
    const y = edges[pair];
    const a = clamp(banks.a[pair], -travelMm, travelMm);
    const b = clamp(banks.b[pair], -travelMm, travelMm);
    return { pair, bankA: { x: a, y, w: travelMm - a, h: w }, bankB: { x: -travelMm, y, w: b + travelMm, h: w } };
  });
}

/**
 * The jaw opening as a rectangle in mm.
 * @param {Jaws} jaws
 * @returns {Rect}
 */
export function jawRectMm(jaws) {
  return { x: jaws.x1, y: jaws.y1, w: jaws.x2 - jaws.x1, h: jaws.y2 - jaws.y1 };
}

/**
 * Maps the square [-halfMm, halfMm]² onto a canvas of widthPx × heightPx, keeping the aspect ratio,
 * centred, with +Y_b up (canvas y grows downward).
 * @param {number} halfMm
 * @param {number} widthPx
 * @param {number} heightPx
 */
export function fitTransform(halfMm, widthPx, heightPx) {
  const scale = Math.min(widthPx, heightPx) / (2 * halfMm);
  const cx = widthPx / 2;
  const cy = heightPx / 2;
  return {
    scale,
    /** @param {Rect} r mm, y up @returns {Rect} px, y down */
    rect: (r) => ({ x: cx + r.x * scale, y: cy - (r.y + r.h) * scale, w: r.w * scale, h: r.h * scale }),
    /** @param {number} xMm @param {number} yMm */
    point: (xMm, yMm) => ({ x: cx + xMm * scale, y: cy - yMm * scale }),
  };
}

/**
 * Largest |actual − expected| over both banks (mm), or undefined when either is missing or they differ
 * in length; shown beside the view so the deviation is text, not only a colour.
 * @param {Banks | null | undefined} actual
 * @param {Banks | null | undefined} expected
 */
export function maxLeafDeviationMm(actual, expected) {
  if (!actual || !expected || actual.a.length !== expected.a.length || actual.b.length !== expected.b.length) return undefined;
  let m = 0;
  for (let i = 0; i < expected.a.length; i++) m = Math.max(m, Math.abs(actual.a[i] - expected.a[i]), Math.abs(actual.b[i] - expected.b[i]));
  return m;
}

/**
 * Half-width (mm) of the square to show: the open leaf pairs (gap wider than `openGapMm`) with a
 * margin, rounded up to `stepMm` so the view does not jump with every readback, within
 * [minMm, maxMm]; the whole travel when no pair is open.
 * @param {Banks} banks
 * @param {readonly number[]} widthsMm
 * @param {{ minMm?: number, maxMm?: number, margin?: number, stepMm?: number, openGapMm?: number }} [o]
 */
export function viewHalfMm(banks, widthsMm, o = {}) {
  const { minMm = 50, maxMm = 200, margin = 0.25, stepMm = 10, openGapMm = 1 } = o;
  const edges = leafEdgesMm(widthsMm);
  let extent = 0;
  for (let i = 0; i < widthsMm.length; i++) {
    if (!(banks.a[i] - banks.b[i] > openGapMm)) continue;
    extent = Math.max(extent, Math.abs(banks.a[i]), Math.abs(banks.b[i]), Math.abs(edges[i]), Math.abs(edges[i + 1]));
  }
  if (extent === 0) return maxMm;
  return clamp(Math.ceil((extent * (1 + margin)) / stepMm) * stepMm, minMm, maxMm);
}

/** @param {number} v @param {number} lo @param {number} hi */
function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}
