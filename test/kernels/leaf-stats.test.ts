import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.js';
import { leafErrorStats, leafFluence } from '../../src/kernels/leaf-stats.js';
import { referenceLeafStats } from '../helpers/reference-leaf-stats.js';

describe('native leaf error statistics', () => {
  it('agree with the TypeScript reference on random positions with some snapshots dropped', () => {
    const rand = mulberry32(3);
    const S = 57;
    const L = 12;
    const ex = new Float32Array(S * L).map(() => 100 * rand() - 50);
    const ac = ex.map((v) => v + (rand() - 0.5) * 2);
    const keep = new Uint8Array(S).map(() => (rand() < 0.8 ? 1 : 0));
    const got = leafErrorStats(ex, ac, keep, L);
    const want = referenceLeafStats(ex, ac, keep, L);
    expect(got.kept).toBe(keep.reduce((a, b) => a + b, 0));
    want.rms.forEach((v, l) => expect(got.rmsPerLeaf[l]).toBeCloseTo(v, 9));
    want.std.forEach((v, l) => expect(got.stdActualPerLeaf[l]).toBeCloseTo(v, 6));
    expect(got.p95Abs).toBeCloseTo(want.p95, 9);
    expect(got.maxAbs).toBeCloseTo(want.max, 9);
  });

  it('refuses arrays of the wrong length, naming the argument', () => {
    expect(() => leafErrorStats(new Float32Array(10), new Float32Array(12), new Uint8Array(2), 6)).toThrow(/expected length must be 12/);
  });
});

describe('native leaf fluence', () => {
  it('puts MU × overlap area on the pixels of one open pair, clipped by the jaws', () => {
    // one pair from y = 0 to 5 mm, tips at x = -1.5 and +2.5 mm, jaws x1 = -1, x2 = 10; 1 mm pixels centred on -2.5 … 2.5
    const tips = new Float32Array([-1.5, 2.5]);
    const grid = { x0Mm: -2.5, y0Mm: 0.5, resolutionMm: 1, nx: 6, ny: 5 };
    const f = leafFluence(tips, new Float64Array([2]), new Float32Array([-1, 10, -100, 100]), new Float64Array([0, 5]), grid);
    // x in [-1, 2.5]: pixels [-2,-1]=0, [-1,0]=1, [0,1]=1, [1,2]=1, [2,3]=0.5 → ×2 MU per row
    expect(Array.from(f.subarray(0, 6))).toEqual([0, 0, 2, 2, 2, 1]);
    expect(f.reduce((a, b) => a + b, 0)).toBeCloseTo(2 * 3.5 * 5, 9);
  });
});
