/**
 * Machine logs: gamma (native kernel) against the independent NumPy
 * implementation of the same full search (test/fixtures/gamma/gamma_numpy.py;
 * NumPy only, SciPy is not installed) on a 256×256 fluence pair and a
 * 100×100×100 dose pair at 3 %/3 mm and 2 %/2 mm (global, 10 % cutoff, step a
 * tenth of the distance criterion, radius twice it), in the same run; NumPy
 * runs once per case, nice'd (single-threaded: the native figure is also given
 * on one thread). The native figure is the median of a few runs. Then reading and analysing the largest
 * reference log and a 3-minute synthetic delivery log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readMachineLogs } from '../src/bridge/machine-log-files.js';
import { DeliveryLogBuilder } from '../src/domain/logs/delivery-log-builder.js';
import { machineLogFromTrajectory } from '../src/domain/logs/from-trajectory-log.js';
import { analyzeLog } from '../src/domain/logs/log-analysis.js';
import { gamma } from '../src/kernels/gamma.js';
import { decodeTrajectoryLog } from '../src/protocol/logs/trajectory-log-decode.js';
import { encodeTrajectoryLog } from '../src/protocol/logs/trajectory-log-encode.js';
import { doseCase, fluenceCase, numpyGamma, type GammaCase } from '../test/helpers/gamma-cases.js';
import { fmt } from './timing.js';

const FIX = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../test/fixtures/tlog');

async function gammaRows(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const cases: Array<[string, GammaCase, number]> = [['fluence 256x256 @1 mm', fluenceCase(256, 1), 5], ['dose 100^3 @2 mm', doseCase(100, 2), 3]];
  for (const [name, c, repeats] of cases) {
    for (const [d, dta] of [[3, 3], [2, 2]]) {
      const crit = { dosePercent: d, distanceMm: dta, cutoffPercent: 10, local: false, stepMm: dta / 10, radiusMm: 2 * dta };
      const times: number[] = [];
      let g;
      for (let k = 0; k < repeats; k++) {
        const t = performance.now();
        g = await gamma(c.reference, c.evaluated, { shape: c.shape, spacingMm: c.spacingMm }, crit);
        times.push(performance.now() - t);
      }
      const nativeMs = times.sort((a, b) => a - b)[times.length >> 1];
      const t1 = performance.now();
      await gamma(c.reference, c.evaluated, { shape: c.shape, spacingMm: c.spacingMm }, crit, 1);
      const oneThreadMs = performance.now() - t1;
      const np = numpyGamma(c, crit);
      rows.push({
        case: `gamma ${name} ${d}%/${dta}mm`, points: g!.evaluated, nativeMs: fmt(nativeMs), numpyMs: fmt(np.seconds * 1000),
        speedup: fmt((np.seconds * 1000) / nativeMs, 3), native1ThreadMs: fmt(oneThreadMs), speedup1Thread: fmt((np.seconds * 1000) / oneThreadMs, 3), passNative: g!.passPercent.toFixed(3), passNumpy: np.passPercent.toFixed(3),
        passDiffPp: Math.abs(g!.passPercent - np.passPercent).toFixed(3), meanNative: g!.mean.toFixed(4), meanNumpy: np.mean.toFixed(4),
      });
    }
  }
  return rows;
}

/** A 3-minute delivery of 60 sweeping leaf pairs sampled every 20 ms (9000 snapshots). */
function syntheticLogBytes(): Uint8Array {
  const b = new DeliveryLogBuilder({ leafPairs: 60, mlcModel: 2, samplingIntervalMs: 20, patientId: 'BENCH', planName: 'BENCH', planUid: '1', beamName: 'ARC', plannedMu: 600 });
  const jaws = { x1Mm: 100, x2Mm: 100, y1Mm: 100, y2Mm: 100 };
  for (let s = 0; s < 9000; s++) {
    const f = s / 9000;
    const e = { bankAMm: Array.from({ length: 60 }, (_, p) => -40 + 80 * f + (p % 7)), bankBMm: Array.from({ length: 60 }, (_, p) => -50 + 80 * f + (p % 7)) };
    const a = { bankAMm: e.bankAMm.map((v) => v - 0.3), bankBMm: e.bankBMm.map((v) => v - 0.3) };
    b.add({ expectedLeaves: e, actualLeaves: a, expectedJaws: jaws, actualJaws: jaws, gantryDeg: 360 * f, collimatorDeg: 0, expectedMu: 600 * f, actualMu: 600 * f, beamOn: true, expectedControlPoint: f, actualControlPoint: f });
  }
  return encodeTrajectoryLog(b.build());
}

async function readRows(): Promise<Record<string, unknown>[]> {
  const bins = fs.readdirSync(FIX).filter((f) => f.endsWith('.bin')).map((f) => path.join(FIX, f));
  const largest = bins.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
  const rows: Record<string, unknown>[] = [];
  const t0 = performance.now();
  const [loaded] = readMachineLogs([largest]);
  const t1 = performance.now();
  await analyzeLog(loaded.log);
  rows.push({ case: `read ${path.basename(largest)} (${fs.statSync(largest).size} B)`, readMs: fmt(t1 - t0), analyzeMs: fmt(performance.now() - t1) });
  const bytes = syntheticLogBytes();
  const t2 = performance.now();
  const r = decodeTrajectoryLog(bytes);
  const t3 = performance.now();
  if (!r.ok) throw r.error;
  await analyzeLog(machineLogFromTrajectory(r.value));
  rows.push({ case: `read synthetic 3-min log (${bytes.length} B, 9000 snapshots)`, readMs: fmt(t3 - t2), analyzeMs: fmt(performance.now() - t3) });
  return rows;
}

export async function benchLogs(): Promise<Record<string, unknown>[]> {
  return [...(await readRows()), ...(await gammaRows())];
}
