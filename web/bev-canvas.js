// @ts-check
/**
 * Draws the beam's-eye view on a canvas: actual leaves filled, expected leaf tips dashed over them,
 * the jaws as an outline, the axes as a cross. Geometry comes from bev-geometry.js (pure, tested);
 * this file only paints. A text line beside the canvas repeats what matters (deviation, jaws).
 */
import { fitTransform, jawRectMm, leafEdgesMm, leafRectsMm, maxLeafDeviationMm, uniformWidthsMm, viewHalfMm } from './bev-geometry.js';
import { fmt } from './console-state.js';

const TRAVEL_MM = 200;

/** @param {HTMLCanvasElement} canvas @param {any} mlc */
export function drawBeamEyeView(canvas, mlc) {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#101418';
  ctx.fillRect(0, 0, width, height);
  const actual = mlc?.actualMm ?? null;
  const expected = mlc?.expectedMm ?? null;
  const pairs = (actual ?? expected)?.a?.length ?? 0;
  const widthsKnown = Array.isArray(mlc?.leafWidthsMm) && mlc.leafWidthsMm.length === pairs;
  const widths = widthsKnown ? mlc.leafWidthsMm : uniformWidthsMm(pairs);
  // zoomed on the field the plan asks for (expected positions change per segment, not per frame)
  const basis = expected ?? actual;
  const half = basis ? viewHalfMm(basis, widths, { maxMm: TRAVEL_MM }) : TRAVEL_MM;
  const t = fitTransform(half, width, height);
  if (actual) {
    ctx.fillStyle = '#8fa3b8';
    ctx.strokeStyle = '#101418';
    ctx.lineWidth = 0.5;
    for (const leaf of leafRectsMm(actual, widths, TRAVEL_MM)) {
      for (const r of [leaf.bankA, leaf.bankB]) {
        const p = t.rect(r);
        ctx.fillRect(p.x, p.y, p.w, p.h);
        ctx.strokeRect(p.x, p.y, p.w, p.h);
      }
    }
  }
  if (expected) drawExpectedTips(ctx, t, expected, widths);
  if (mlc?.jawsMm) {
    const j = t.rect(jawRectMm(mlc.jawsMm));
    ctx.strokeStyle = '#4fd1ff';
    ctx.setLineDash([]);
    ctx.lineWidth = 2;
    ctx.strokeRect(j.x, j.y, j.w, j.h);
  }
  ctx.strokeStyle = 'rgba(255,255,255,.35)';
  ctx.lineWidth = 1;
  const o = t.point(0, 0);
  ctx.beginPath();
  ctx.moveTo(0, o.y);
  ctx.lineTo(width, o.y);
  ctx.moveTo(o.x, 0);
  ctx.lineTo(o.x, height);
  ctx.stroke();
  describe(canvas, mlc, pairs, half, widthsKnown);
}

/**
 * @param {CanvasRenderingContext2D} ctx @param {ReturnType<typeof fitTransform>} t
 * @param {{ a: number[], b: number[] }} expected @param {number[]} widths
 */
function drawExpectedTips(ctx, t, expected, widths) {
  const edges = leafEdgesMm(widths);
  ctx.strokeStyle = '#ffb000';
  ctx.lineWidth = 1.5;
  ctx.setLineDash([3, 2]);
  ctx.beginPath();
  for (let i = 0; i < widths.length; i++) {
    for (const x of [expected.a[i], expected.b[i]]) {
      const p0 = t.point(x, edges[i]);
      const p1 = t.point(x, edges[i + 1]);
      ctx.moveTo(p0.x, p0.y);
      ctx.lineTo(p1.x, p1.y);
    }
  }
  ctx.stroke();
  ctx.setLineDash([]);
}

/** @param {HTMLCanvasElement} canvas @param {any} mlc @param {number} pairs @param {number} halfMm @param {boolean} widthsKnown */
function describe(canvas, mlc, pairs, halfMm, widthsKnown) {
  const text = /** @type {HTMLElement} */ (document.getElementById('bev-text'));
  let line;
  if (!mlc?.actualMm) line = 'no MLC readback';
  else {
    const dev = maxLeafDeviationMm(mlc.actualMm, mlc.expectedMm);
    const j = mlc.jawsMm;
    line = `view ±${halfMm} mm; ${pairs} leaf pairs${widthsKnown ? '' : ' (widths not reported: drawn equal)'}; largest actual−expected deviation ${dev === undefined ? 'n/a (no expected positions)' : `${fmt(dev, 1)} mm`}` + (j ? `; jaws X ${fmt(j.x1, 1)} … ${fmt(j.x2, 1)} mm, Y ${fmt(j.y1, 1)} … ${fmt(j.y2, 1)} mm` : '; jaws: no readback');
  }
  if (text.textContent !== line) text.textContent = line;
  canvas.setAttribute('aria-label', `Beam's-eye view of the MLC: ${line}`);
}
