import fc from 'fast-check';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMlcModel } from '../../src/config/load-config.js';
import { parseFluenceCsv, unconstrainedMinimumMu, type FluenceMap } from '../../src/domain/sequencing/fluence-map.js';
import { mapRowsToLeaves } from '../../src/domain/sequencing/leaf-mapping.js';
import { sequenceMap, type SequenceOptions } from '../../src/domain/sequencing/sequence-map.js';
import { slidingWindow } from '../../src/domain/sequencing/sliding-window.js';
import { bruteForceMinSweepK } from '../helpers/brute-force-sweep.js';
import { referenceConstrainedTnmu } from '../helpers/reference-constrained-tnmu.js';

const mlc = loadMlcModel('millennium-120');
const opts = (o: Partial<SequenceOptions> = {}): SequenceOptions => ({ method: 'improved', interleaf: false, tongueGroove: false, bixelWidthMm: 5, doseRateMuPerMin: 600, minSegmentMu: 1, minOpenAreaMm2: 0, segmentOverheadS: 0.5, budgetWork: 50, ...o });
const toMap = (a: number[][]): FluenceMap => ({ rows: a.length, cols: a[0].length, values: Int32Array.from(a.flat()) });
const matrix = (rows: fc.Arbitrary<number>, cols: fc.Arbitrary<number>, levels: number) =>
  fc.tuple(rows, cols).chain(([r, c]) => fc.array(fc.array(fc.integer({ min: 0, max: levels }), { minLength: c, maxLength: c }), { minLength: r, maxLength: r }));

describe('step-and-shoot without leaf constraints', () => {
  it('property: every method reconstructs the map exactly with TNMU = max row complexity, and improved never needs more segments than the Engel-type baseline', async () => {
    await fc.assert(
      fc.asyncProperty(matrix(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 10 }), 10), async (a) => {
        const map = toMap(a);
        const engel = await sequenceMap(map, mlc, opts({ method: 'engel' }));
        const improved = await sequenceMap(map, mlc, opts());
        for (const r of [engel, improved]) {
          expect(r.exact).toBe(true);
          expect(r.tnmu).toBe(unconstrainedMinimumMu(map));
          expect(r.segments.reduce((s, x) => s + x.mu, 0)).toBe(r.tnmu);
          expect(r.segmentCount).toBeGreaterThanOrEqual(r.segmentLowerBound);
        }
        expect(improved.segmentCount).toBeLessThanOrEqual(engel.segmentCount);
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it('reaches the proven optimum K on the Gecode 5×5 test instance (7 segments, 21 MU)', async () => {
    const map = parseFluenceCsv(fs.readFileSync(new URL('../fixtures/leaf-sequencing/gecode-5x5.csv', import.meta.url), 'utf8'));
    const r = await sequenceMap(map, mlc, opts({ budgetWork: 400 }));
    expect(r.tnmu).toBe(21);
    expect(r.segmentCount).toBe(7);
  });

  it('sets the jaws to the open extent of each segment', async () => {
    const r = await sequenceMap(toMap([[0, 2, 2, 0], [0, 0, 1, 1]]), mlc, opts());
    for (const s of r.segments) {
      const open = s.rows.map((iv, i) => [iv, i] as const).filter(([iv]) => iv);
      expect(s.jaws).toEqual({ x1Edge: Math.min(...open.map(([iv]) => iv![0])), x2Edge: Math.max(...open.map(([iv]) => iv![1] + 1)), firstRow: open[0][1], lastRow: open[open.length - 1][1] });
    }
  });
});

describe('step-and-shoot without interdigitation and with tongue-and-groove', () => {
  it('property: zero violations, exact reconstruction, TNMU equal to the exact constrained minimum (independent longest-path reference)', async () => {
    await fc.assert(
      fc.asyncProperty(matrix(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 8 }), 8), fc.boolean(), async (a, tg) => {
        const map = toMap(a);
        const r = await sequenceMap(map, mlc, opts({ method: 'sweep', interleaf: true, tongueGroove: tg }));
        expect(r.exact).toBe(true);
        expect(r.constraints.interdigitation.violations).toBe(0);
        expect(r.constraints.tongueAndGroove.violations).toBe(0);
        expect(r.tnmu).toBe(referenceConstrainedTnmu(a, true, tg));
        expect(r.tnmu).toBeGreaterThanOrEqual(unconstrainedMinimumMu(map));
        // unidirectional: every leaf moves one way only, all in the same direction (left-to-right or mirrored)
        const monotone = (xs: number[], dir: 1 | -1) => xs.every((x, k) => k === 0 || (x - xs[k - 1]) * dir >= 0);
        const all = (dir: 1 | -1) => Array.from({ length: map.rows }, (_, i) => i).every((i) => monotone(r.segments.map((s) => s.edges![i][0]), dir) && monotone(r.segments.map((s) => s.edges![i][1]), dir));
        expect(all(1) || all(-1)).toBe(true);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('segment count: between the forced-event lower bound and the exhaustive optimum over all unidirectional sweeps (tiny maps)', async () => {
    let optimal = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(matrix(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 2, max: 4 }), 4), fc.boolean(), async (a, tg) => {
        const map = toMap(a);
        const r = await sequenceMap(map, mlc, opts({ method: 'sweep', interleaf: true, tongueGroove: tg }));
        const mirrored = a.map((row) => [...row].reverse());
        const best = Math.min(bruteForceMinSweepK(a, r.tnmu, true, tg), bruteForceMinSweepK(mirrored, r.tnmu, true, tg));
        expect(r.sweepSegmentLowerBound).toBeLessThanOrEqual(best);
        expect(r.segmentCount).toBeGreaterThanOrEqual(best);
        runs++;
        if (r.segmentCount === best) optimal++;
      }),
      { numRuns: 50, seed: 11 },
    );
    expect(optimal / runs).toBeGreaterThanOrEqual(0.8);
  });

  it('refuses constraint flags with a method that cannot honour them', async () => {
    await expect(sequenceMap(toMap([[1]]), mlc, opts({ method: 'engel', interleaf: true }))).rejects.toMatchObject({ code: 'INPUT_INVALID', field: '--method' });
    await expect(sequenceMap(toMap([[1]]), mlc, opts({ method: 'exact', tongueGroove: true }))).rejects.toMatchObject({ code: 'INPUT_INVALID', field: '--method' });
  });
});

describe('sliding window', () => {
  const map = parseFluenceCsv(fs.readFileSync(new URL('../fixtures/leaf-sequencing/case1-beam1.csv', import.meta.url), 'utf8'));
  const sw = slidingWindow(map, { bixelWidthMm: 5, maxLeafSpeedMmPerS: 25, doseRateMuPerMin: 600, minGapMm: 0.5, originMm: -35, maxBixelErrorMu: 0.25 });

  it('uses the analytic minimum MU: Σ positive increments of the slowest row + n·Δ (exactly without a gap; with one, less by at most the gap transmission of its zero bixels)', () => {
    // Δ = 5 mm / 25 mm/s × 10 MU/s = 2 MU per bixel; 14 bixels → 28 MU of travel
    expect(sw.muPerBixelTravel).toBeCloseTo(2, 12);
    const analytic = unconstrainedMinimumMu(map) + 14 * 2;
    expect(slidingWindow(map, { bixelWidthMm: 5, maxLeafSpeedMmPerS: 25, doseRateMuPerMin: 600, minGapMm: 0, originMm: -35, maxBixelErrorMu: 0.25 }).totalMu).toBeCloseTo(analytic, 9);
    // 0.5 mm gap: a zero bixel inside a row gets 0.5/5 × Δ = 0.2 MU, which the next rise need not deliver
    expect(sw.totalMu).toBeLessThanOrEqual(analytic + 1e-9);
    expect(sw.totalMu).toBeGreaterThanOrEqual(analytic - 14 * 0.2);
  });

  it('never moves a leaf faster than the model allows', () => {
    const muPerS = 10;
    for (let k = 1; k < sw.controlPoints.length; k++) {
      const dt = (sw.controlPoints[k].mu - sw.controlPoints[k - 1].mu) / muPerS;
      for (let r = 0; r < map.rows; r++) {
        const v = Math.max(Math.abs(sw.controlPoints[k].bankAMm[r] - sw.controlPoints[k - 1].bankAMm[r]), Math.abs(sw.controlPoints[k].bankBMm[r] - sw.controlPoints[k - 1].bankBMm[r])) / dt;
        expect(v).toBeLessThanOrEqual(25 + 1e-9);
      }
    }
  });

  it('keeps the minimum gap and indexes control points by cumulative meterset weight 0..1', () => {
    for (const cp of sw.controlPoints) cp.bankAMm.forEach((a, r) => expect(a - cp.bankBMm[r]).toBeGreaterThanOrEqual(0.5 - 1e-9));
    expect(sw.controlPoints[0].metersetWeight).toBe(0);
    expect(sw.controlPoints.at(-1)!.metersetWeight).toBe(1);
    expect(sw.errorPerBixelMu).toHaveLength(map.rows * map.cols);
  });
});

describe('fluence map input and leaf mapping', () => {
  it.each([
    ['', 'empty'],
    ['1,2\n3', 'ragged'],
    ['1,x', 'not an integer'],
    ['1,-2', 'negative'],
    ['1.5,2', 'not an integer'],
  ])('rejects %j (%s) naming where', (text, what) => {
    expect(() => parseFluenceCsv(text, 'm.csv')).toThrowError(expect.objectContaining({ code: 'INPUT_INVALID', message: expect.stringContaining(what === 'empty' ? 'empty' : what) }));
  });

  it('maps 5 mm rows onto 10 mm outer leaves when the rows they cover agree, and refuses when they differ', () => {
    // 44 rows of 5 mm span −110..110 mm: the outer rows fall on 10 mm leaves (two rows each)
    const rows = Array.from({ length: 44 }, (_, r) => [r, r]).map(([r]) => [Math.floor(r / 2), 1]);
    const ok = mapRowsToLeaves(toMap(rows), mlc, 5);
    expect(ok.leafWidthsMm.filter((w) => w === 10).length).toBe(2);
    expect(ok.map.rows).toBe(42);
    const bad = rows.map((r, i) => (i === 1 ? [99, 1] : r));
    expect(() => mapRowsToLeaves(toMap(bad), mlc, 5)).toThrowError(/covers map rows 1..2, which differ/);
  });
});
