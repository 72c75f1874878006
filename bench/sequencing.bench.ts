/**
 * Leaf sequencing: per set of maps, mean K of the Engel-type baseline and the
 * improved search, the K lower bound (and the public set's best-known K),
 * TNMU against its bound, and native ms per map; the constrained sweep's TNMU
 * against the independent longest-path reference and its violations.
 * Sets: the 27 public maps, random 10×10 and 15×15 (levels 0..10), smooth 40×60 (20 levels).
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
    let cTn = 0, cRef = 0, cViol = 0, cK = 0, cKLb = 0, cMs = 0;
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
      cTn += c.tnmu;
      cRef += map.rows * map.cols <= 400 ? referenceConstrainedTnmu(toRows(map), true, true) : c.tnmu; // reference is O(V·E): small maps only
      cViol += c.constraints.interdigitation.violations + c.constraints.tongueAndGroove.violations + c.constraints.reconstruction.violations;
      cK += c.segmentCount;
      cKLb += c.sweepSegmentLowerBound ?? 0;
      cMs += c.ms;
    }
    const n = maps.length;
    rows.push({
      set: name,
      meanKEngel: fmt(kE / n), meanKImproved: fmt(kI / n), meanKLowerBound: fmt(kLb / n), meanKBestKnown: nBest ? fmt(kBest / nBest) : '', improvedVsBestKnown: nBest ? fmt(kI / kBest, 4) : '',
      fewerThanEngelPct: fmt(100 * (1 - kI / kE), 3), mapsWorseThanEngel: worse, tnmuOverBound: fmt(tnRatio / n, 4), msPerMapImproved: fmt(msI / n), msPerMapEngel: fmt(msE / n),
      constrainedTnmuOverReference: fmt(cTn / cRef, 4), constrainedViolations: cViol, constrainedMeanK: fmt(cK / n), constrainedMeanKSweepBound: fmt(cKLb / n), constrainedMsPerMap: fmt(cMs / n),
    });
  }
  return rows;
}
