import { describe, expect, it } from 'vitest';
import { fitTransform, jawRectMm, leafEdgesMm, leafRectsMm, maxLeafDeviationMm, uniformWidthsMm, viewHalfMm } from '../../web/bev-geometry.js';

// Expected values are worked by hand from docs/coordinates.md (bank A = X2 = +X, bank B = X1 = -X,
// leaf pair 0 at the most negative Y_b), not computed by the module under test.
describe("beam's-eye-view geometry", () => {
  it('centres the leaf boundaries on the axis with pair 0 at the most negative Y', () => {
    expect(leafEdgesMm([10, 5, 5, 10])).toEqual([-15, -5, 0, 5, 15]);
  });

  it('draws bank B from the left travel limit to its tip and bank A from its tip to the right limit', () => {
    const [pair] = leafRectsMm({ a: [30], b: [-20] }, [10], 200);
    expect(pair.bankB).toEqual({ x: -200, y: -5, w: 180, h: 10 });
    expect(pair.bankA).toEqual({ x: 30, y: -5, w: 170, h: 10 });
  });

  it('draws a leaf beyond the travel limit at the limit rather than outside the field', () => {
    const [pair] = leafRectsMm({ a: [250], b: [-260] }, [5], 200);
    expect(pair.bankA.w).toBe(0);
    expect(pair.bankB.w).toBe(0);
  });

  it('draws interdigitated leaves (bank B tip right of the axis) with positive widths', () => {
    const [pair] = leafRectsMm({ a: [40], b: [10] }, [5], 200);
    expect(pair.bankB).toEqual({ x: -200, y: -2.5, w: 210, h: 5 });
  });

  it('makes the jaw rectangle from signed edges', () => {
    expect(jawRectMm({ x1: -50, x2: 70, y1: -40, y2: 60 })).toEqual({ x: -50, y: -40, w: 120, h: 100 });
  });

  it('maps +Y_b upward on the canvas and keeps millimetres square', () => {
    const t = fitTransform(200, 400, 300); // 300 px for 400 mm: 0.75 px/mm, centre (200, 150)
    expect(t.scale).toBe(0.75);
    expect(t.point(0, 0)).toEqual({ x: 200, y: 150 });
    expect(t.point(100, 100)).toEqual({ x: 275, y: 75 });
    expect(t.rect({ x: -20, y: 10, w: 40, h: 20 })).toEqual({ x: 185, y: 127.5, w: 30, h: 15 });
  });

  it('spreads equal leaf widths over the height when the model does not name them', () => {
    expect(uniformWidthsMm(4, 40)).toEqual([10, 10, 10, 10]);
  });

  it('reports the largest actual-minus-expected deviation over both banks, or none when they cannot be compared', () => {
    expect(maxLeafDeviationMm({ a: [10, 20], b: [-10, -20] }, { a: [10, 21.5], b: [-12, -20] })).toBe(2);
    expect(maxLeafDeviationMm({ a: [1], b: [0] }, null)).toBeUndefined();
    expect(maxLeafDeviationMm({ a: [1], b: [0] }, { a: [1, 2], b: [0, 0] })).toBeUndefined();
  });
});

describe("beam's-eye-view zoom", () => {
  const widths = [10, 10, 10, 10]; // edges -20, -10, 0, 10, 20

  it('frames the open pairs with a quarter margin, rounded up to 10 mm', () => {
    // pair 1 open from -30 to 42: extent 42 mm -> 52.5 -> 60
    expect(viewHalfMm({ a: [0.25, 42, 0.25, 0.25], b: [-0.25, -30, -0.25, -0.25] }, widths)).toBe(60);
  });

  it('counts the Y edges of an open pair, not only its leaf tips', () => {
    // pair 3 (Y 10..20) open from -5 to 5: 20 * 1.25 = 25 -> 30 (the tips alone would give 10)
    expect(viewHalfMm({ a: [0, 0, 0, 5], b: [0, 0, 0, -5] }, widths, { minMm: 0 })).toBe(30);
    expect(viewHalfMm({ a: [0, 0, 0, 5], b: [0, 0, 0, -5] }, widths)).toBe(50); // the default minimum
  });

  it('shows the whole travel when every pair is closed', () => {
    expect(viewHalfMm({ a: [0.25, 0.25, 0.25, 0.25], b: [-0.25, -0.25, -0.25, -0.25] }, widths, { maxMm: 200 })).toBe(200);
  });

  it('never zooms out past the travel', () => {
    expect(viewHalfMm({ a: [190, 0, 0, 0], b: [-190, 0, 0, 0] }, widths, { maxMm: 200 })).toBe(200);
  });
});
