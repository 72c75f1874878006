import { describe, expect, it } from 'vitest';
import { accumulateFluence, accumulateFluenceAsync } from '../../src/kernels/fluence.js';
import { native } from '../../src/kernels/native.js';
import { randomApertures, referenceFluence, rng } from '../helpers/reference-fluence.js';

describe('native fluence kernel', () => {
  it('matches the independent triple-loop reference on 200 random segment sets', () => {
    const rand = rng(42);
    for (let trial = 0; trial < 200; trial++) {
      const rows = 1 + Math.floor(rand() * 20);
      const cols = 1 + Math.floor(rand() * 30);
      const aps = randomApertures(rand, rows, cols, Math.floor(rand() * 12));
      const got = accumulateFluence(rows, cols, aps);
      const want = referenceFluence(rows, cols, aps);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expect(got.values[r * cols + c]).toBeCloseTo(want[r][c], 9);
    }
  });

  it('gives the same answer on the addon worker thread', async () => {
    const aps = randomApertures(rng(7), 40, 60, 50);
    const sync = accumulateFluence(40, 60, aps);
    const asyncResult = await accumulateFluenceAsync(40, 60, aps);
    expect(Array.from(asyncResult.values)).toEqual(Array.from(sync.values));
  });

  it('rejects arguments of the wrong type or length, naming them', () => {
    const n = native();
    expect(() => n.accumulateFluence(2, 3, new Float64Array(4) as never, new Float64Array(1))).toThrow(/intervals must be an Int32Array/);
    expect(() => n.accumulateFluence(2, 3, new Int32Array(3), new Float64Array(1))).toThrow(/intervals length must be/);
    expect(() => n.accumulateFluence(0, 3, new Int32Array(0), new Float64Array(0))).toThrow(/rows and cols/);
  });

  it('rejects an interval past the last column instead of writing outside the grid', async () => {
    const bad = [{ mu: 1, rows: [[0, 5] as [number, number]] }];
    expect(() => accumulateFluence(1, 3, bad)).toThrow(/exceeds cols - 1/);
    await expect(accumulateFluenceAsync(1, 3, bad)).rejects.toThrow(/exceeds cols - 1/);
  });

  it('rejects a segment with NaN MU before it reaches the kernel', () => {
    expect(() => accumulateFluence(1, 2, [{ mu: Number.NaN, rows: [[0, 1]] }])).toThrowError(expect.objectContaining({ code: 'INPUT_INVALID', field: 'segments[0].mu' }));
  });
});
