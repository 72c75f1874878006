/**
 * Exact leaf sequencing on maps a careless caller could give: the budget bounds the whole run
 * (its incumbent search included), bad budgets are refused, degenerate maps are sequenced exactly.
 * No clock is asserted: the work the incumbent search spent shows where it stopped.
 */
import { describe, expect, it } from 'vitest';
import { loadMlcModel } from '../../src/config/load-config.js';
import { BridgeError } from '../../src/core/bridge-error.js';
import type { FluenceMap } from '../../src/domain/sequencing/fluence-map.js';
import { DEFAULT_BUDGET_WORK, sequenceMap, type SequenceOptions } from '../../src/domain/sequencing/sequence-map.js';
import { bruteForceMinSegments } from '../helpers/brute-force-min-segments.js';
import { rng } from '../helpers/reference-fluence.js';

const mlc = loadMlcModel('millennium-120');
const exact = (budgetMs: number, bixelWidthMm = 5): SequenceOptions => ({ method: 'exact', budgetMs, interleaf: false, tongueGroove: false, bixelWidthMm, doseRateMuPerMin: 600, minSegmentMu: 1, minOpenAreaMm2: 0, segmentOverheadS: 0.5 });
const map = (rows: number, cols: number, values: number[]): FluenceMap => ({ rows, cols, values: Int32Array.from(values) });

describe('exact sequencing under a budget', () => {
  it('stops its incumbent search on a 1 ms budget (a 40×100 map, levels to 1000) and reports exact: false with a valid bound', async () => {
    const rand = rng(7);
    const m = map(40, 100, Array.from({ length: 4000 }, () => Math.floor(rand() * 1001)));
    const r = await sequenceMap(m, mlc, exact(1, 2));
    expect(r.exact).toBe(false);
    expect(r.constraints.reconstruction.violations).toBe(0);
    expect(r.segmentLowerBound).toBeLessThanOrEqual(r.segmentCount);
    expect(r.tnmu).toBe(r.unconstrainedTnmu);
    // before the fix the incumbent spent its whole work budget (a quarter of it in rollouts) whatever --budget-ms said
    expect(r.work).toBeLessThan(DEFAULT_BUDGET_WORK / 4);
  });

  it.each([0, -1, Number.NaN, 3_600_001])('refuses a budget of %s ms naming budgetMs', async (b) => {
    await expect(sequenceMap(map(1, 1, [5]), mlc, exact(b))).rejects.toMatchObject({ code: 'INPUT_INVALID', field: 'budgetMs' });
    await expect(sequenceMap(map(1, 1, [5]), mlc, exact(b))).rejects.toBeInstanceOf(BridgeError);
  });

  const rowsOf = (m: FluenceMap) => Array.from({ length: m.rows }, (_, i) => Array.from(m.values.subarray(i * m.cols, (i + 1) * m.cols)));
  it.each([
    ['all zeros', map(2, 3, [0, 0, 0, 0, 0, 0])],
    ['a single cell', map(1, 1, [5])],
    ['one row', map(1, 6, [1, 3, 0, 2, 2, 5])],
    ['one column', map(6, 1, [1, 3, 0, 2, 2, 5])],
  ])('sequences %s to the brute-force optimum and proves it', async (_what, m) => {
    const r = await sequenceMap(m, mlc, exact(10_000));
    expect([r.segmentCount, r.exact, r.constraints.reconstruction.violations]).toEqual([bruteForceMinSegments(rowsOf(m)), true, 0]);
  });

  it('sequences cells at the level limit (100000) exactly', async () => {
    const r = await sequenceMap(map(2, 2, [100_000, 0, 0, 100_000]), mlc, exact(10_000));
    expect([r.exact, r.constraints.reconstruction.violations, r.tnmu]).toEqual([true, 0, r.unconstrainedTnmu]);
  });
});
