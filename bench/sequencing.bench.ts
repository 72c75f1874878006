/**
 * Leaf sequencing: per set of maps, mean K of the Engel-type baseline and the
 * improved search, the proven K lower bound it reports (and the public set's
 * best-known K), TNMU against its bound, and native ms per map (measured work,
 * not a budget); under no interdigitation + tongue-and-groove, the sweep's and
 * the improved search's K, TNMU against the independent longest-path reference
 * (maps of at most 400 cells only: the reference is O(V·E); larger maps are not
 * referenced and are counted apart), and violations.
 * Sets: the 27 public maps, random 10×10 and 15×15 (levels 0..10), smooth 40×60 (20 levels).
 * Exact mode, proven optima and sizes up to 80×120: sequencing-limits.bench.ts.
 */
import fs from 'node:fs';
import { loadMlcModel } from '../src/config/load-config.js';
import { parseFluenceCsv, type FluenceMap } from '../src/domain/sequencing/fluence-map.js';
import { sequenceMap, type SequenceOptions } from '../src/domain/sequencing/sequence-map.js';
import { referenceConstrainedTnmu } from '../test/helpers/reference-constrained-tnmu.js';
import { rng } from '../test/helpers/reference-fluence.js';
import { fmt } from './timing.js';

const FIXTURES = new URL('../test/fixtures/leaf-sequencing/', import.meta.url);
const mlc = loadMlcModel('millennium-120');
const base: Omit<SequenceOptions, 'method'> = { interleaf: false, tongueGroove: false, bixelWidthMm: 5, doseRateMuPerMin: 600, minSegmentMu: 1, minOpenAreaMm2: 0, segmentOverheadS: 0.5 };

function publicSet(): Array<{ name: string; map: FluenceMap; best?: number }> {
  const bounds = fs.readFileSync(new URL('bounds.csv', FIXTURES), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  return bounds.map(([file, , , best]) => ({ name: file, map: parseFluenceCsv(fs.readFileSync(new URL(file, FIXTURES), 'utf8'), file), best: Number(best) }));
}

function randomSet(rows: number, cols: number, levels: number, count: number, seed: number): Array<{ name: string; map: FluenceMap }> {
  const rand = rng(seed);
  return Array.from({ length: count }, (_, k) => ({ name: `r${k}`, map: { rows, cols, values: Int32Array.from({ length: rows * cols }, () => Math.floor(rand() * (levels + 1))) } }));
}

function smoothSet(rows: number, cols: number, levels: number, count: number, seed: number): Array<{ name: string; map: FluenceMap }> {
  const rand = rng(seed);
  return Array.from({ length: count }, (_, k) => {
    const f = new Float64Array(rows * cols);
    for (let g = 0; g < 6; g++) {
      const cy = rand() * rows, cx = rand() * cols, sy = 3 + rand() * 8, sx = 4 + rand() * 12, a = 0.3 + rand();
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) f[r * cols + c] += a * Math.exp(-(((r - cy) ** 2) / (2 * sy * sy) + ((c - cx) ** 2) / (2 * sx * sx)));
    }
    const mx = Math.max(...f);
    return { name: `s${k}`, map: { rows, cols, values: Int32Array.from(f, (v) => Math.round((v / mx) * levels)) } };
  });
}

const toRows = (m: FluenceMap): number[][] => Array.from({ length: m.rows }, (_, r) => Array.from(m.values.subarray(r * m.cols, (r + 1) * m.cols)));

export async function benchSequencing(): Promise<Record<string, unknown>[]> {
  const sets: Array<[string, Array<{ name: string; map: FluenceMap; best?: number }>]> = [
    ['public 27 (clinical25 + Gecode)', publicSet()],
    ['random 10×10, levels 0..10 (100)', randomSet(10, 10, 10, 100, 101)],
    ['random 15×15, levels 0..10 (100)', randomSet(15, 15, 10, 100, 151)],
    ['smooth 40×60, 20 levels (20)', smoothSet(40, 60, 20, 20, 4060)],
  ];
  const rows: Record<string, unknown>[] = [];
  for (const [name, maps] of sets) {
    let kE = 0, kI = 0, kLb = 0, kBest = 0, tnRatio = 0, msE = 0, msI = 0, worse = 0, nBest = 0;
    let cTn = 0, cRef = 0, cRefMaps = 0, cViol = 0, cK = 0, cKLb = 0, cMs = 0, pK = 0, pViol = 0, pMs = 0;
    for (const { map, best } of maps) {
      const e = await sequenceMap(map, mlc, { ...base, method: 'engel' });
      const i = await sequenceMap(map, mlc, { ...base, method: 'improved' });
      kE += e.segmentCount;
      kI += i.segmentCount;
      kLb += i.segmentLowerBound;
      tnRatio += i.tnmu / i.tnmuLowerBound;
      msE += e.ms;
      msI += i.ms;
      worse += i.segmentCount > e.segmentCount ? 1 : 0;
      if (best !== undefined) (kBest += best), nBest++;
      const c = await sequenceMap(map, mlc, { ...base, method: 'sweep', interleaf: true, tongueGroove: true });
      if (map.rows * map.cols <= 400) {
        // reference is O(V·E): small maps only; larger ones are left out of the ratio, not compared with themselves
        cTn += c.tnmu;
        cRef += referenceConstrainedTnmu(toRows(map), true, true);
        cRefMaps++;
      }
      const p = await sequenceMap(map, mlc, { ...base, method: 'improved', interleaf: true, tongueGroove: true });
      if (p.tnmu !== c.tnmu) throw new Error(`constrained improved TNMU ${p.tnmu} differs from the sweep's ${c.tnmu}`);
      pK += p.segmentCount;
      pViol += p.constraints.interdigitation.violations + p.constraints.tongueAndGroove.violations + p.constraints.reconstruction.violations;
      pMs += p.ms;
      cViol += c.constraints.interdigitation.violations + c.constraints.tongueAndGroove.violations + c.constraints.reconstruction.violations;
      cK += c.segmentCount;
      cKLb += c.sweepSegmentLowerBound ?? 0;
      cMs += c.ms;
    }
    const n = maps.length;
    rows.push({
      set: name,
      meanKEngel: fmt(kE / n), meanKImproved: fmt(kI / n), meanKProvenLowerBound: fmt(kLb / n), meanKBestKnown: nBest ? fmt(kBest / nBest) : '', improvedVsBestKnown: nBest ? fmt(kI / kBest, 4) : '',
      fewerThanEngelPct: fmt(100 * (1 - kI / kE), 3), mapsWorseThanEngel: worse, tnmuOverBound: fmt(tnRatio / n, 4), msPerMapImproved: fmt(msI / n), msPerMapEngel: fmt(msE / n),
      constrainedTnmuOverReference: cRefMaps ? fmt(cTn / cRef, 4) : 'not referenced (> 400 cells)', constrainedMapsReferenced: cRefMaps, constrainedViolations: cViol, constrainedMeanK: fmt(cK / n), constrainedMeanKSweepBound: fmt(cKLb / n), constrainedMsPerMap: fmt(cMs / n),
      constrainedImprovedMeanK: fmt(pK / n), constrainedImprovedFewerPct: fmt(100 * (1 - pK / cK), 3), constrainedImprovedViolations: pViol, constrainedImprovedMsPerMap: fmt(pMs / n),
    });
  }
  return rows;
}
