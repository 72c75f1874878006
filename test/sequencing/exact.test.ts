import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMlcModel } from '../../src/config/load-config.js';
import { parseFluenceCsv, unconstrainedMinimumMu, type FluenceMap } from '../../src/domain/sequencing/fluence-map.js';
import { sequenceMap, type SequenceOptions } from '../../src/domain/sequencing/sequence-map.js';
import { bruteForceMinSegments } from '../helpers/brute-force-min-segments.js';
import { rng } from '../helpers/reference-fluence.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const fixture = (f: string) => path.join(root, 'test/fixtures/leaf-sequencing', f);
const mlc = loadMlcModel('millennium-120');
const exact = (budgetMs: number): SequenceOptions => ({ method: 'exact', budgetMs, interleaf: false, tongueGroove: false, bixelWidthMm: 5, doseRateMuPerMin: 600, minSegmentMu: 1, minOpenAreaMm2: 0, segmentOverheadS: 0.5 });
const bounds = fs.readFileSync(fixture('bounds.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
  const [file, minTnmu, kLowerBound, kBestKnown, proven] = l.split(',');
  return { file, minTnmu: Number(minTnmu), kLowerBound: Number(kLowerBound), kBestKnown: Number(kBestKnown), proven: proven === '1' };
});
const load = (file: string) => parseFluenceCsv(fs.readFileSync(fixture(file), 'utf8'), file);
const randomMap = (rand: () => number, rows: number, cols: number, levels: number): FluenceMap => ({ rows, cols, values: Int32Array.from({ length: rows * cols }, () => Math.floor(rand() * (levels + 1))) });

describe('exact mode: fewest segments at minimum TNMU, with a proof', () => {
  it.each(bounds.filter((b) => b.proven).map((b) => [b.file, b] as const))('solves %s to its proven optimum with exact: true (budget 10 s)', async (_f, b) => {
    const r = await sequenceMap(load(b.file), mlc, exact(10_000));
    expect(r.exact).toBe(true);
    expect(r.segmentCount).toBe(b.kBestKnown);
    expect(r.segmentLowerBound).toBe(b.kBestKnown);
    expect(r.tnmu).toBe(b.minTnmu);
    expect(r.constraints.reconstruction.violations).toBe(0);
  });

  it('on every public map, never reports fewer segments than the published lower bound, nor a proven bound above the best known count (budget 150 ms each)', async () => {
    for (const b of bounds) {
      const r = await sequenceMap(load(b.file), mlc, exact(150));
      expect(r.segmentCount, b.file).toBeGreaterThanOrEqual(b.kLowerBound);
      expect(r.segmentLowerBound, b.file).toBeLessThanOrEqual(Math.min(r.segmentCount, b.kBestKnown));
      expect(r.tnmu, b.file).toBe(b.minTnmu);
      expect(r.constraints.reconstruction.violations, b.file).toBe(0);
    }
  });

  it('proves optimality on at least 90 % of 20 seeded random 10×10 maps with levels 0..10 (budget 1 s each)', async () => {
    const rand = rng(1010);
    let proven = 0;
    for (let k = 0; k < 20; k++) {
      const map = randomMap(rand, 10, 10, 10);
      const r = await sequenceMap(map, mlc, exact(1000));
      if (r.exact) proven++;
      expect(r.segmentLowerBound).toBeLessThanOrEqual(r.segmentCount);
      expect(r.tnmu).toBe(unconstrainedMinimumMu(map));
      expect(r.constraints.reconstruction.violations).toBe(0);
    }
    expect(proven).toBeGreaterThanOrEqual(18);
  });

  it('matches an independent brute-force minimum on 40 tiny maps (up to 3×3, levels 0..3)', async () => {
    const rand = rng(33);
    for (let k = 0; k < 40; k++) {
      const rows = 1 + Math.floor(rand() * 3), cols = 1 + Math.floor(rand() * 3);
      const map = randomMap(rand, rows, cols, 3);
      const a = Array.from({ length: rows }, (_, i) => Array.from(map.values.subarray(i * cols, (i + 1) * cols)));
      const r = await sequenceMap(map, mlc, exact(10_000));
      expect(r.exact).toBe(true);
      expect(r.segmentCount, JSON.stringify(a)).toBe(bruteForceMinSegments(a));
    }
  });

  it('stops at its budget with exact: false and a proven bound below the count when the proof is out of reach', async () => {
    // case4-beam2: best known 18, published bound 12; 1 ms is far too little to close the gap
    const r = await sequenceMap(load('case4-beam2.csv'), mlc, exact(1));
    expect(r.exact).toBe(false);
    expect(r.segmentLowerBound).toBeLessThan(r.segmentCount);
    expect(r.constraints.reconstruction.violations).toBe(0);
  });
});
