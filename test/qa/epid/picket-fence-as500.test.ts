import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDicomDataset } from '../../../src/bridge/registration-sources/folder-source.js';
import { leafBoundariesMm } from '../../../src/config/mlc-model.js';
import { analysePicketFence } from '../../../src/qa/epid/picket-fence.js';
import { rtImageToEpidImage } from '../../../src/qa/epid/rt-image.js';
import { testConfig } from '../../helpers/sim-fixtures.js';

const dir = path.join(import.meta.dirname, '../../fixtures/epid');
// written by picket_fence_reference.py (numpy, apart from the bridge)
const reference = JSON.parse(fs.readFileSync(path.join(dir, 'picket_fence_reference.json'), 'utf8')) as {
  pixelMmAtIso: number; inverted: boolean; leafAxis: string; measurements: number; medianAbsErrorMm: number; maxAbsErrorMm: number;
  pickets: Array<{ positionMm: number; slope: number; gapMm: number; pairs: number }>;
  leaves: Array<{ pair: number; picket: number; centreMm: number; centreErrorMm: number }>;
};

describe('picket-fence analysis of a real EPID image (pylinac’s AS500_PF.dcm, Millennium 120)', () => {
  const info = rtImageToEpidImage(readDicomDataset(path.join(dir, 'AS500_PF.dcm')));
  const result = analysePicketFence(info.image, { leafBoundariesMm: leafBoundariesMm(testConfig.mlc) });

  it('reads the RT Image at the isocentre plane: 0.784 mm panel pixels at SID 1500 mm are 0.5227 mm', () => {
    expect(info.image.rows).toBe(384);
    expect(info.image.cols).toBe(512);
    expect(info.image.pixelMm).toBeCloseTo(reference.pixelMmAtIso, 6);
  });

  it('finds the same inversion, leaf axis and ten pickets as the independent numpy analysis', () => {
    expect(result.inverted).toBe(reference.inverted);
    expect(result.leafAxis).toBe(reference.leafAxis);
    expect(result.pickets).toHaveLength(reference.pickets.length);
    result.pickets.forEach((p, k) => {
      expect(Math.abs(p.positionMm - reference.pickets[k].positionMm)).toBeLessThan(0.001);
      expect(Math.abs(p.slope - reference.pickets[k].slope)).toBeLessThan(1e-5);
      expect(p.pairs).toBe(reference.pickets[k].pairs);
    });
  });

  it('measures every leaf pair at every picket within 0.001 mm of the numpy analysis', () => {
    expect(result.leaves).toHaveLength(reference.measurements);
    for (const ref of reference.leaves) {
      const mine = result.leaves.find((l) => l.pair === ref.pair && l.picket === ref.picket);
      expect(mine, `pair ${ref.pair} picket ${ref.picket}`).toBeDefined();
      expect(Math.abs(mine!.centreMm - ref.centreMm)).toBeLessThan(0.001);
      expect(Math.abs(mine!.centreErrorMm - ref.centreErrorMm)).toBeLessThan(0.001);
    }
    const errors = result.leaves.map((l) => Math.abs(l.centreErrorMm)).sort((a, b) => a - b);
    expect(errors.at(-1)).toBeCloseTo(reference.maxAbsErrorMm, 3);
  });
});
