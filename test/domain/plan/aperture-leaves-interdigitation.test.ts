import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMlcModel } from '../../../src/config/load-config.js';
import { apertureToLeaves, leavesToAperture } from '../../../src/domain/plan/aperture-leaves.js';
import { parseFluenceCsv } from '../../../src/domain/sequencing/fluence-map.js';
import { sequenceMap } from '../../../src/domain/sequencing/sequence-map.js';
import type { MlcPositions } from '../../../src/protocol/mlc-protocol.js';

const mlc = loadMlcModel('millennium-120');
const EPS = 1e-9;

/**
 * Written for this test (not constraint-check.ts): on the whole bank, adjacent pairs must not
 * interdigitate (bank B of one pair never beyond bank A of the other), and every pair keeps
 * the minimum gap and its travel range. Returns one line per violation.
 */
function violations(l: MlcPositions, minGapMm: number, travel: { minMm: number; maxMm: number }): string[] {
  const out: string[] = [];
  for (let p = 0; p < l.bankAMm.length; p++) {
    if (l.bankAMm[p] - l.bankBMm[p] < minGapMm - EPS) out.push(`pair ${p}: gap ${l.bankAMm[p] - l.bankBMm[p]}`);
    if (l.bankBMm[p] < travel.minMm - EPS || l.bankAMm[p] > travel.maxMm + EPS) out.push(`pair ${p}: travel`);
    if (p + 1 < l.bankAMm.length) {
      if (l.bankBMm[p] > l.bankAMm[p + 1] + EPS) out.push(`pair ${p} bank B ${l.bankBMm[p]} beyond pair ${p + 1} bank A ${l.bankAMm[p + 1]}`);
      if (l.bankBMm[p + 1] > l.bankAMm[p] + EPS) out.push(`pair ${p + 1} bank B ${l.bankBMm[p + 1]} beyond pair ${p} bank A ${l.bankAMm[p]}`);
    }
  }
  return out;
}

describe('closed leaf pairs keep the no-interdigitation rule in the plan', () => {
  it.each(['gecode-5x5.csv', 'case1-beam1.csv', 'gecode-15x15.csv', 'case3-beam2.csv'])('%s, sweep --no-interdigitation: no violation on any leaf pair of any segment', async (name) => {
    const map = parseFluenceCsv(fs.readFileSync(new URL(`../../fixtures/leaf-sequencing/${name}`, import.meta.url), 'utf8'));
    const s = await sequenceMap(map, mlc, { method: 'sweep', interleaf: true, tongueGroove: false, bixelWidthMm: 5, doseRateMuPerMin: 600, minSegmentMu: 1, minOpenAreaMm2: 0, segmentOverheadS: 0.5 });
    expect(s.constraints.interdigitation.violations).toBe(0); // the sequencer's own claim, on the grid
    const grid = { bixelWidthMm: 5, originMm: (-map.cols * 5) / 2, firstLeafPair: s.firstLeafPair, rows: map.rows, cols: map.cols };
    const found: string[] = [];
    s.segments.forEach((seg, k) => {
      const leaves = apertureToLeaves(seg.rows, grid, mlc);
      found.push(...violations(leaves, mlc.minGapMm, mlc.travel).map((v) => `segment ${k}: ${v}`));
      expect(leavesToAperture(leaves, grid, 0.01)).toEqual(seg.rows); // closed rows still read back closed
    });
    expect(found).toEqual([]);
  });

  it('parks a closed row between two open rows inside both of their openings', () => {
    const grid = { bixelWidthMm: 5, originMm: -40, firstLeafPair: 24, rows: 3, cols: 16 };
    // rows 0 and 2 open far left (bixels 0..2 → −40..−25 mm); the grid centre (0 mm) is outside both
    const l = apertureToLeaves([[0, 2], null, [1, 3]], grid, mlc);
    // neighbours open over −40..−25 and −35..−20 mm: the closed pair must lie where both reach
    expect(l.bankBMm[25]).toBeLessThanOrEqual(-25);
    expect(l.bankAMm[25]).toBeGreaterThanOrEqual(-35);
    expect(l.bankAMm[25] - l.bankBMm[25]).toBeCloseTo(mlc.minGapMm, 9);
    expect(violations(l, mlc.minGapMm, mlc.travel)).toEqual([]);
  });
});
