/**
 * Leaf sequencing at its limits (issue 14), beside sequencing.bench.ts:
 * - the exact mode on the 27 public maps per wall-clock budget: maps proven, of them the 14 whose
 *   optimum bounds.csv calls proven (an independent source), mean K and mean proven bound;
 * - mean K of the default method and of Engel against optima proven in the same run (exact mode)
 *   on seeded random 10×10 and 15×15 maps with levels 0..10;
 * - native time per map (default method, measured; the work budget bounds it, not a clock) and K
 *   for random maps of 10×10, 15×15, 40×60 and 80×120 with 10 and 20 levels, and the constrained
 *   (no interdigitation + tongue-and-groove) K of the improved search against the sweep up to 15×15.
 * Bounded for CI on 2 cores: few maps per large size, exact budgets ≤ 1 s.
 */
import fs from 'node:fs';
import { loadMlcModel } from '../src/config/load-config.js';
import { parseFluenceCsv, type FluenceMap } from '../src/domain/sequencing/fluence-map.js';
import { DEFAULT_BUDGET_WORK, sequenceMap, type SequenceOptions } from '../src/domain/sequencing/sequence-map.js';
import { sequenceNative } from '../src/kernels/sequencer.js';
import { rng } from '../test/helpers/reference-fluence.js';
import { fmt } from './timing.js';

const FIXTURES = new URL('../test/fixtures/leaf-sequencing/', import.meta.url);
const mlc = loadMlcModel('millennium-120');
const base: Omit<SequenceOptions, 'method'> = { interleaf: false, tongueGroove: false, bixelWidthMm: 5, doseRateMuPerMin: 600, minSegmentMu: 1, minOpenAreaMm2: 0, segmentOverheadS: 0.5 };

function randomMaps(rows: number, cols: number, levels: number, count: number, seed: number): FluenceMap[] {
  const rand = rng(seed);
  return Array.from({ length: count }, () => ({ rows, cols, values: Int32Array.from({ length: rows * cols }, () => Math.floor(rand() * (levels + 1))) }));
}

async function exactPerBudget(): Promise<Record<string, unknown>[]> {
  const lines = fs.readFileSync(new URL('bounds.csv', FIXTURES), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const maps = lines.map(([file, , , best, proven]) => ({ map: parseFluenceCsv(fs.readFileSync(new URL(file, FIXTURES), 'utf8'), file), best: Number(best), proven: proven === '1' }));
  const rows: Record<string, unknown>[] = [];
  for (const budgetMs of [10, 100, 1000]) {
    let proven = 0, provenPublished = 0, k = 0, lb = 0, below = 0, ms = 0;
    for (const m of maps) {
      const r = await sequenceMap(m.map, mlc, { ...base, method: 'exact', budgetMs });
      proven += r.exact ? 1 : 0;
      if (m.proven && r.exact && r.segmentCount === m.best) provenPublished++;
      if (m.proven && r.segmentCount < m.best) below++;
      k += r.segmentCount;
      lb += r.segmentLowerBound;
      ms += r.ms;
    }
    rows.push({ set: `exact, public 27, budget ${budgetMs} ms`, provenOptimal: proven, publishedOptimaReproduced: `${provenPublished}/${maps.filter((m) => m.proven).length}`, countsBelowAPublishedOptimum: below, meanK: fmt(k / maps.length), meanProvenBound: fmt(lb / maps.length), meanBestKnown: fmt(maps.reduce((s, m) => s + m.best, 0) / maps.length), msPerMap: fmt(ms / maps.length) });
  }
  return rows;
}

async function againstOptima(rows: number, cols: number, count: number, seed: number): Promise<Record<string, unknown>> {
  let proven = 0, kOpt = 0, kDef = 0, kEngel = 0, worse = 0, msExact = 0, msDef = 0, n = 0;
  for (const map of randomMaps(rows, cols, 10, count, seed)) {
    const o = await sequenceMap(map, mlc, { ...base, method: 'exact', budgetMs: 1000 });
    const d = await sequenceMap(map, mlc, { ...base, method: 'improved' });
    const e = await sequenceMap(map, mlc, { ...base, method: 'engel' });
    worse += d.segmentCount > e.segmentCount ? 1 : 0;
    msExact += o.ms;
    msDef += d.ms;
    if (!o.exact) continue; // the ratio is over proven optima only
    proven++;
    kOpt += o.segmentCount;
    kDef += d.segmentCount;
    kEngel += e.segmentCount;
    n++;
  }
  return { set: `random ${rows}×${cols}, levels 0..10 (${count}), exact budget 1 s`, provenOptimal: `${proven}/${count}`, meanOptimum: fmt(kOpt / n), meanKDefault: fmt(kDef / n), defaultOverOptimum: fmt(kDef / kOpt, 4), meanKEngel: fmt(kEngel / n), engelOverOptimum: fmt(kEngel / kOpt, 4), defaultWorseThanEngel: worse, msPerMapExact: fmt(msExact / count), msPerMapDefault: fmt(msDef / count) };
}

async function sizes(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const plan: Array<[number, number, number]> = [[10, 10, 10], [15, 15, 10], [40, 60, 3], [80, 120, 1]];
  for (const [rows, cols, count] of plan) {
    for (const levels of [10, 20]) {
      let kD = 0, kE = 0, lb = 0, ms = 0, msE = 0, cS = 0, cI = 0, cViol = 0, cMs = 0;
      const constrained = rows * cols <= 225;
      for (const map of randomMaps(rows, cols, levels, count, rows * 1000 + levels)) {
        // the native kernel directly: 80×120 is larger than any MLC model's field (reconstruction is tested elsewhere)
        const free = { interleaf: false, tongueGroove: false };
        const d = await sequenceNative(rows, cols, map.values, 'improved', { ...free, budgetWork: DEFAULT_BUDGET_WORK });
        const e = await sequenceNative(rows, cols, map.values, 'engel', { ...free, budgetWork: 0 });
        kD += d.weights.length; kE += e.weights.length; lb += d.segmentLowerBound; ms += d.ms; msE += e.ms;
        if (!constrained) continue;
        const s = await sequenceMap(map, mlc, { ...base, method: 'sweep', interleaf: true, tongueGroove: true });
        const i = await sequenceMap(map, mlc, { ...base, method: 'improved', interleaf: true, tongueGroove: true });
        cS += s.segmentCount; cI += i.segmentCount; cMs += i.ms;
        cViol += i.constraints.interdigitation.violations + i.constraints.tongueAndGroove.violations + i.constraints.reconstruction.violations + (i.tnmu !== s.tnmu ? 1 : 0);
      }
      out.push({
        set: `random ${rows}×${cols}, levels 0..${levels} (${count})`, meanKDefault: fmt(kD / count), meanKEngel: fmt(kE / count), meanProvenBound: fmt(lb / count), msPerMapDefault: fmt(ms / count), msPerMapEngel: fmt(msE / count),
        constrainedMeanKSweep: constrained ? fmt(cS / count) : 'not run (> 225 cells)', constrainedMeanKImproved: constrained ? fmt(cI / count) : '', constrainedViolationsOrTnmuMismatch: constrained ? cViol : '', constrainedMsPerMapImproved: constrained ? fmt(cMs / count) : '',
      });
    }
  }
  return out;
}

export async function benchSequencingLimits(): Promise<Record<string, unknown>[]> {
  return [...(await exactPerBudget()), await againstOptima(10, 10, 20, 1010), await againstOptima(15, 15, 20, 1515), ...(await sizes())];
}
