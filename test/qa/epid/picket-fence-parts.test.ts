import { describe, expect, it } from 'vitest';
import { erf } from '../../../src/core/erf.js';
import { crosstalkWeights, solveLinear } from '../../../src/qa/epid/leaf-crosstalk.js';
import { findPeaks, halfMaxEdges } from '../../../src/qa/epid/profile-peaks.js';
import { robustLineFit } from '../../../src/qa/epid/robust-line.js';
import { rtImageToEpidImage } from '../../../src/qa/epid/rt-image.js';

describe('picket-fence building blocks', () => {
  it('puts the half-maximum edges of an error-function strip at its tips (to 0.01 sample)', () => {
    const sigma = 4;
    const p = Array.from({ length: 200 }, (_, i) => 0.5 * (erf((120.3 - i) / (Math.SQRT2 * sigma)) - erf((80.6 - i) / (Math.SQRT2 * sigma))));
    const e = halfMaxEdges(p, 40, 160)!;
    expect(Math.abs(e.left - 80.6)).toBeLessThan(0.01);
    expect(Math.abs(e.right - 120.3)).toBeLessThan(0.01);
  });

  it('finds separated peaks above the threshold and keeps the higher of two close ones', () => {
    const p = [0, 1, 0, 5, 0, 4.8, 0, 0, 0, 6, 0];
    expect(findPeaks(p, 0.5, 3)).toEqual([3, 9]);
  });

  it('fits a picket line that one leaf 0.8 mm off does not drag', () => {
    const v = Array.from({ length: 40 }, (_, i) => -97.5 + 5 * i);
    const u = v.map((x, i) => 30 + 0.002 * x + (i === 16 ? 0.8 : 0));
    const fit = robustLineFit(v, u);
    expect(fit.intercept).toBeCloseTo(30, 9);
    expect(fit.slope).toBeCloseTo(0.002, 9);
    expect(fit.used.filter((x) => !x)).toHaveLength(1);
  });

  it('recovers each leaf’s own tip from edges blurred with its neighbours', () => {
    const bounds = [-10, -5, 0, 5, 10];
    const pairs = [0, 1, 2, 3];
    const samples = pairs.map((r) => [-1, 0, 1].map((d) => (bounds[r] + bounds[r + 1]) / 2 + d));
    const w = crosstalkWeights(bounds, pairs, samples, 3);
    const tips = [10, 10.8, 10, 10];
    const blurred = w.map((row) => row.reduce((s, x, k) => s + x * tips[k], 0));
    expect(blurred[1]).toBeLessThan(10.7); // what a plain half-maximum reading would report
    solveLinear(w, blurred).forEach((t, k) => expect(t).toBeCloseTo(tips[k], 9));
  });

  it('refuses an RT Image it cannot read, naming the attribute', () => {
    const ds = { Rows: 2, Columns: 2, BitsAllocated: 8, SamplesPerPixel: 1, PixelRepresentation: 0, ImagePlanePixelSpacing: [0.4, 0.4], RTImageSID: 1000, PixelData: [new ArrayBuffer(8)] };
    expect(() => rtImageToEpidImage(ds)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', field: 'BitsAllocated' }));
    expect(() => rtImageToEpidImage({ ...ds, BitsAllocated: 16, PixelData: [new ArrayBuffer(4)] })).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', field: 'PixelData' }));
    expect(() => rtImageToEpidImage({ ...ds, BitsAllocated: 16, RTImageSID: undefined })).toThrow(expect.objectContaining({ field: 'RTImageSID' }));
  });
});
