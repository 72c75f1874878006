/**
 * Analysis of a machine log: per-leaf error (actual − expected, isocentre
 * plane, mm) over kept snapshots (beam on, not held); per-leaf RMS, the mean
 * over all leaves of the per-leaf RMS, its maximum, the 95th percentile and
 * maximum of |error| over all leaves × kept snapshots; moving leaves (std of
 * the actual position > 0.1 mm, pylinac's threshold); the leaf lag; planned
 * (expected positions, expected MU) vs delivered (actual, actual MU) fluence
 * and their gamma (reference: planned). Heavy parts run in the native addon.
 */
import { BridgeError } from '../../core/bridge-error.js';
import { gamma, type GammaCriteria } from '../../kernels/gamma.js';
import { leafErrorStats, leafFluence, type FluenceGridSpec } from '../../kernels/leaf-stats.js';
import { estimateLeafLagMs } from './leaf-lag.js';
import { NO_JAW_MM, type MachineLog } from './machine-log.js';

export const MOVING_LEAF_STD_MM = 0.1;

/** The `note` of a log with no snapshot with the beam on and unheld. */
export const NOT_ANALYSABLE = 'not analysable: no snapshot with the beam on and unheld';

export interface LogAnalysis {
  readonly format: MachineLog['format'];
  readonly version: string;
  readonly snapshots: number;
  readonly beamOnSnapshots: number;
  readonly leaves: number;
  readonly movingLeaves: number;
  /** The leaf-error figures are null when no snapshot has the beam on and unheld (`note` says so). */
  readonly rmsMeanMm: number | null;
  readonly rmsMaxMm: number | null;
  readonly p95AbsErrorMm: number | null;
  readonly maxAbsErrorMm: number | null;
  /** Why the figures are not analysable (absent when they are). */
  readonly note?: string;
  /** Median lag of the moving leaves behind their expected positions, ms (null: no leaf moves). */
  readonly leafLagMs: number | null;
  readonly mlc: string;
  /** passPercent and mean are null when no point reaches the cutoff (nothing was delivered). */
  readonly gamma: { readonly criteria: string; readonly passPercent: number | null; readonly mean: number | null; readonly evaluated: number };
}

export interface AnalysisOptions {
  readonly gamma: GammaCriteria;
  /** Fluence pixel size, mm at isocentre. */
  readonly fluenceResolutionMm: number;
}

export const DEFAULT_ANALYSIS: AnalysisOptions = {
  gamma: { dosePercent: 1, distanceMm: 1, local: false, cutoffPercent: 10 },
  fluenceResolutionMm: 0.5,
};

export async function analyzeLog(log: MachineLog, opts: AnalysisOptions = DEFAULT_ANALYSIS): Promise<LogAnalysis> {
  assertPlausible(log);
  const leaves = 2 * log.leafPairs;
  const st = leafErrorStats(log.expectedMm, log.actualMm, log.kept, leaves);
  const moving = Array.from(st.stdActualPerLeaf, (v) => v > MOVING_LEAF_STD_MM);
  const rms = Array.from(st.rmsPerLeaf);
  const fl = fluences(log, opts.fluenceResolutionMm);
  const g = await gamma(fl.planned, fl.delivered, { shape: [fl.grid.ny, fl.grid.nx], spacingMm: [fl.grid.resolutionMm, fl.grid.resolutionMm] }, opts.gamma);
  const lag = estimateLeafLagMs(log, moving);
  // no beam-on, unheld snapshot: nothing to judge (the kernel's zeros would read as a perfect delivery)
  const none = st.kept === 0;
  return {
    format: log.format, version: log.version, snapshots: log.snapshots, beamOnSnapshots: st.kept, leaves,
    movingLeaves: moving.filter(Boolean).length,
    rmsMeanMm: none ? null : rms.reduce((a, b) => a + b, 0) / leaves,
    rmsMaxMm: none ? null : Math.max(...rms),
    p95AbsErrorMm: none ? null : st.p95Abs,
    maxAbsErrorMm: none ? null : st.maxAbs,
    ...(none ? { note: NOT_ANALYSABLE } : {}),
    leafLagMs: lag ?? null,
    mlc: log.mlcName,
    gamma: { criteria: g.criteria, passPercent: g.evaluated ? g.passPercent : null, mean: g.evaluated ? g.mean : null, evaluated: g.evaluated },
  };
}

/** Planned and delivered fluence (MU·mm² per pixel) on one grid covering the leaf-pair rows and the open X range. */
export function fluences(log: MachineLog, resolutionMm: number): { grid: FluenceGridSpec; planned: Float64Array; delivered: Float64Array } {
  const P = log.leafPairs;
  const S = log.snapshots;
  const tipsOf = (pos: Float32Array): Float32Array => {
    const t = new Float32Array(S * P * 2);
    for (let s = 0; s < S; s++) {
      for (let p = 0; p < P; p++) {
        t[(s * P + p) * 2] = -pos[s * 2 * P + P + p]; // bank B on the X1 side
        t[(s * P + p) * 2 + 1] = pos[s * 2 * P + p];
      }
    }
    return t;
  };
  const jawsOf = (j: Float32Array): Float32Array => j.map((v, k) => (k % 4 === 0 || k % 4 === 2 ? -v : v));
  const weightOf = (mu: Float64Array): Float64Array => mu.map((v, s) => (s > 0 && log.kept[s] ? Math.max(0, v - mu[s - 1]) : 0));
  const tipsE = tipsOf(log.expectedMm);
  const tipsA = tipsOf(log.actualMm);
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of [tipsE, tipsA]) {
    for (let k = 0; k < t.length; k += 2) {
      if (t[k + 1] <= t[k]) continue;
      lo = Math.min(lo, t[k]);
      hi = Math.max(hi, t[k + 1]);
    }
  }
  if (!Number.isFinite(lo)) [lo, hi] = [-resolutionMm, resolutionMm];
  const b = log.leafBoundariesMm;
  const x0 = Math.floor(lo / resolutionMm) * resolutionMm - 2 * resolutionMm;
  const nx = Math.ceil((hi - x0) / resolutionMm) + 2;
  const ny = Math.ceil((b[P] - b[0]) / resolutionMm);
  const grid: FluenceGridSpec = { x0Mm: x0 + resolutionMm / 2, y0Mm: b[0] + resolutionMm / 2, resolutionMm, nx, ny };
  const bounds = Float64Array.from(b);
  return {
    grid,
    planned: leafFluence(tipsE, weightOf(log.expectedMu), jawsOf(log.expectedJawsMm), bounds, grid),
    delivered: leafFluence(tipsA, weightOf(log.actualMu), jawsOf(log.actualJawsMm), bounds, grid),
  };
}

/**
 * Leaves and jaws within ±NO_JAW_MM and MU finite and >= 0, every snapshot: a log with NaN, an
 * infinity or 3e38 in a position is corrupt, and is refused naming the array and the snapshot.
 */
function assertPlausible(log: MachineLog): void {
  const mm: Array<[string, Float32Array, number]> = [
    ['expectedMm', log.expectedMm, 2 * log.leafPairs], ['actualMm', log.actualMm, 2 * log.leafPairs],
    ['expectedJawsMm', log.expectedJawsMm, 4], ['actualJawsMm', log.actualJawsMm, 4],
  ];
  for (const [name, a, per] of mm) {
    for (let k = 0; k < a.length; k++) {
      if (!(Math.abs(a[k]) <= NO_JAW_MM)) throw new BridgeError('INPUT_INVALID', `snapshot ${Math.floor(k / per)}: position not finite or beyond ±${NO_JAW_MM} mm`, { field: `log.${name}[${k}]`, actual: String(a[k]), limit: NO_JAW_MM, unit: 'mm' });
    }
  }
  for (const [name, a] of [['expectedMu', log.expectedMu], ['actualMu', log.actualMu]] as const) {
    for (let s = 0; s < a.length; s++) {
      if (!(Number.isFinite(a[s]) && a[s] >= 0)) throw new BridgeError('INPUT_INVALID', `snapshot ${s}: MU not finite or negative`, { field: `log.${name}[${s}]`, actual: String(a[s]), limit: '>= 0, finite', unit: 'MU' });
    }
  }
}
