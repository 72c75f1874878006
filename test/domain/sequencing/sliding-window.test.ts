import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { parseFluenceCsv, type FluenceMap } from '../../../src/domain/sequencing/fluence-map.js';
import { slidingWindow, type SlidingWindowOptions } from '../../../src/domain/sequencing/sliding-window.js';
import { referenceDynamicFluence } from '../../helpers/reference-dynamic-fluence.js';

const limitMu = loadConfig().bridge.sequencing.slidingWindowMaxBixelErrorMu;
// Millennium-120-like: 5 mm bixels, 25 mm/s, 0.5 mm minimum gap, 600 MU/min → Δ = 2 MU per bixel
const base: SlidingWindowOptions = { bixelWidthMm: 5, maxLeafSpeedMmPerS: 25, doseRateMuPerMin: 600, minGapMm: 0.5, originMm: 0, maxBixelErrorMu: limitMu };
const toMap = (a: number[][]): FluenceMap => ({ rows: a.length, cols: a[0].length, values: Int32Array.from(a.flat()) });
const fixtureDir = new URL('../../fixtures/leaf-sequencing/', import.meta.url);
const fixtures = fs.readdirSync(fixtureDir).filter((f) => /^(case\d-beam\d|gecode-\d+x\d+)\.csv$/.test(f)).sort();

/** Reference fluence of a result, and the largest |delivered − intended| over the bixels. */
function check(map: FluenceMap, o: SlidingWindowOptions) {
  const sw = slidingWindow(map, o);
  const f = referenceDynamicFluence(sw.controlPoints, map.rows, map.cols, o.originMm, o.bixelWidthMm);
  let worst = 0;
  for (let r = 0; r < map.rows; r++) for (let c = 0; c < map.cols; c++) worst = Math.max(worst, Math.abs(f[r][c] - map.values[r * map.cols + c]));
  return { sw, f, worst };
}

describe('sliding window delivers the step fluence (leaves wait at bixel edges)', () => {
  it('delivers [0,10,0] with a 10 MU peak at 10 + 3Δ MU, not 18 % short', () => {
    const { sw, f } = check(toMap([[0, 10, 0]]), { ...base, minGapMm: 0 });
    expect(sw.totalMu).toBeCloseTo(10 + 3 * 2, 9);
    expect(f[0][1]).toBeCloseTo(10, 3);
    expect(f[0][0]).toBeCloseTo(0, 3);
    expect(f[0][2]).toBeCloseTo(0, 3);
  });

  it('with a 0.5 mm minimum gap, gives the peak exactly and the zero bixels only the gap transmission (0.5/5 × Δ = 0.2 MU)', () => {
    const { sw, f } = check(toMap([[0, 10, 0]]), base);
    expect(sw.totalMu).toBeCloseTo(16, 9);
    expect(f[0][1]).toBeCloseTo(10, 3);
    expect(f[0][0]).toBeCloseTo(0.2, 3);
    expect(f[0][2]).toBeCloseTo(0.2, 3);
    for (const cp of sw.controlPoints) expect(cp.bankAMm[0] - cp.bankBMm[0]).toBeGreaterThanOrEqual(0.5 - 1e-9);
  });

  it.each(fixtures)('%s: the independently integrated fluence equals the map within the configured limit', (name) => {
    const map = parseFluenceCsv(fs.readFileSync(new URL(name, fixtureDir), 'utf8'));
    const o = { ...base, originMm: (-map.cols * 5) / 2 };
    const { sw, worst } = check(map, o);
    expect(worst).toBeLessThanOrEqual(limitMu);
    // every non-zero bixel exactly (the maps have no level below the 0.2 MU gap transmission)
    const f = referenceDynamicFluence(sw.controlPoints, map.rows, map.cols, o.originMm, 5);
    for (let i = 0; i < map.values.length; i++) if (map.values[i] > 0) expect(Math.abs(f[Math.floor(i / map.cols)][i % map.cols] - map.values[i])).toBeLessThan(1e-3);
    // the engine's own integration agrees with the reference
    for (let i = 0; i < map.values.length; i++) expect(Math.abs(sw.errorPerBixelMu[i] + map.values[i] - f[Math.floor(i / map.cols)][i % map.cols])).toBeLessThan(1e-3);
    expect(sw.maxLeafSpeedMmPerS).toBeLessThanOrEqual(25 + 1e-9);
    expect(sw.totalMu).toBeLessThanOrEqual(sw.analyticMinimumMu + 1e-9);
    for (const cp of sw.controlPoints) cp.bankAMm.forEach((a, r) => expect(a - cp.bankBMm[r]).toBeGreaterThanOrEqual(0.5 - 1e-9));
  });

  it('refuses a result whose per-bixel error exceeds the limit, naming the leaf pair and bixel', () => {
    // at 2400 MU/min the 0.5 mm gap alone transmits 0.8 MU through a zero bixel
    const run = () => slidingWindow(toMap([[5, 5, 5], [4, 0, 4]]), { ...base, doseRateMuPerMin: 2400, firstLeafPair: 30 });
    expect(run).toThrowError(expect.objectContaining({ code: 'LIMIT_EXCEEDED', field: 'map:2:2', unit: 'MU', limit: limitMu }));
    expect(run).toThrow(/leaf pair 31, bixel 2/);
  });

  it('keeps a row of zeros closed outside the map for the whole beam', () => {
    const { sw, f } = check(toMap([[3, 1], [0, 0]]), base);
    expect(f[1]).toEqual([0, 0]);
    for (const cp of sw.controlPoints) expect(cp.bankAMm[1]).toBeLessThanOrEqual(0);
  });
});
