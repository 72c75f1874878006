import { describe, expect, it } from 'vitest';
import { loadMlcModel } from '../../src/config/load-config.js';
import { unconstrainedMinimumMu, type FluenceMap } from '../../src/domain/sequencing/fluence-map.js';
import { sequenceMap, type SequenceOptions } from '../../src/domain/sequencing/sequence-map.js';
import { rng } from '../helpers/reference-fluence.js';

const mlc = loadMlcModel('millennium-120');
const base: Omit<SequenceOptions, 'method'> = { interleaf: false, tongueGroove: false, bixelWidthMm: 5, doseRateMuPerMin: 600, minSegmentMu: 1, minOpenAreaMm2: 0, segmentOverheadS: 0.5 };

describe('default method (improved, default work budget) against proven optima', () => {
  it('on 24 seeded random 10×10 maps with levels 0..10: mean K at most 1.03× the proven optimum, never above Engel, at the minimum TNMU', async () => {
    const rand = rng(2024);
    let kDefault = 0;
    let kOptimum = 0;
    for (let k = 0; k < 24; k++) {
      const map: FluenceMap = { rows: 10, cols: 10, values: Int32Array.from({ length: 100 }, () => Math.floor(rand() * 11)) };
      const optimum = await sequenceMap(map, mlc, { ...base, method: 'exact', budgetMs: 10_000 });
      expect(optimum.exact).toBe(true); // a proof, checked on clinical25 and by brute force in exact.test.ts
      const engel = await sequenceMap(map, mlc, { ...base, method: 'engel' });
      const improved = await sequenceMap(map, mlc, { ...base, method: 'improved' });
      expect(improved.segmentCount).toBeLessThanOrEqual(engel.segmentCount);
      expect(improved.segmentCount).toBeGreaterThanOrEqual(optimum.segmentCount);
      expect(improved.segmentLowerBound).toBeLessThanOrEqual(optimum.segmentCount); // its reported bound is proven
      expect(improved.tnmu).toBe(unconstrainedMinimumMu(map));
      expect(improved.constraints.reconstruction.violations).toBe(0);
      kDefault += improved.segmentCount;
      kOptimum += optimum.segmentCount;
    }
    expect(kDefault).toBeLessThanOrEqual(1.03 * kOptimum);
  });
});
