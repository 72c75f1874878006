/**
 * The delivery-log part of the sliding-window check (issue 13): the samples the check takes
 * (readback, and where on the plan the whole MLC was) become a trajectory log in the TrueBeam
 * layout (`DeliveryLogBuilder`, the same writer as the bridge's delivery logs), which `log analyze`'s
 * analysis reads back: RMS and maximum leaf error over the beam-on snapshots, and the gamma of the
 * delivered against the planned fluence (native kernel), judged against the TG-218 row.
 */
import type { MlcModel } from '../../config/mlc-model.js';
import { DeliveryLogBuilder, type Jaws, type LeafBanks } from '../../domain/logs/delivery-log-builder.js';
import { machineLogFromTrajectory } from '../../domain/logs/from-trajectory-log.js';
import { analyzeLog, type LogAnalysis } from '../../domain/logs/log-analysis.js';
import { TlogMlcModel, type TrajectoryLog } from '../../protocol/logs/trajectory-log.js';
import { statusOf, type QaItem, type QaTolerance } from '../qa-types.js';

/** TG-218's universal criteria: 3 % (global) / 2 mm, 10 % low-dose cutoff. */
export const TG218_GAMMA = { dosePercent: 3, distanceMm: 2, local: false, cutoffPercent: 10 } as const;
/** Fluence pixel, mm at the isocentre (as `log analyze` by default). */
const FLUENCE_MM = 0.5;
/** No jaw device in the room: jaws wide open, so the fluence is the leaves' alone. */
const OPEN_JAWS: Jaws = { x1Mm: 200, x2Mm: 200, y1Mm: 200, y2Mm: 200 };

export class SlidingWindowLog {
  private readonly builder: DeliveryLogBuilder;

  constructor(model: MlcModel, plannedMu: number, samplingIntervalMs: number) {
    this.builder = new DeliveryLogBuilder({
      leafPairs: model.leafPairs, mlcModel: model.id === 'millennium-120' ? TlogMlcModel.nds120 : -1, samplingIntervalMs,
      patientId: 'QA-MLC', planName: 'QA sliding window', planUid: '', beamName: 'mlc-sliding-window', plannedMu,
    });
  }

  /** One snapshot: the plan's leaves and MU at the MLC's fitted place, the readback and the MU read after it. */
  add(expected: LeafBanks, actual: LeafBanks, expectedMu: number, actualMu: number, beamOn: boolean): void {
    this.builder.add({ expectedLeaves: expected, actualLeaves: actual, expectedJaws: OPEN_JAWS, actualJaws: OPEN_JAWS, gantryDeg: 0, collimatorDeg: 0, expectedMu, actualMu, beamOn, expectedControlPoint: 0, actualControlPoint: 0 });
  }

  get count(): number {
    return this.builder.count;
  }

  build(): TrajectoryLog {
    return this.builder.build();
  }

  async analyse(): Promise<LogAnalysis> {
    return analyzeLog(machineLogFromTrajectory(this.build()), { gamma: TG218_GAMMA, fluenceResolutionMm: FLUENCE_MM });
  }
}

/** The gamma pass rate as an item: error = pass % − 100, judged by the row (TG-218: action below 95 %, fail below 90 %). */
export function gammaItem(a: LogAnalysis, row: QaTolerance): QaItem {
  const pass = a.gamma.passPercent ?? Number.NaN; // nothing above the cutoff: unverifiable, a fail
  const r2 = (v: number) => Math.round(v * 100) / 100;
  return {
    id: 'log.gamma', measured: r2(pass), expected: 100, error: r2(pass - 100), unit: '%', status: statusOf(pass - 100, row),
    limits: { tolerance: row.tolerance, action: row.action },
    detail: { criteria: a.gamma.criteria, evaluatedPoints: a.gamma.evaluated, meanGamma: a.gamma.mean === null ? 'n/a' : r2(a.gamma.mean) },
  };
}

/** The log analysis in words, for the check's notes. */
export function logNotes(a: LogAnalysis): string[] {
  const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
  return [
    `delivery log (trajectory-log layout, ${a.snapshots} snapshots, ${a.beamOnSnapshots} beam on): leaf RMS mean ${f(a.rmsMeanMm)} mm, max ${f(a.rmsMaxMm)} mm; |error| p95 ${f(a.p95AbsErrorMm)} mm, max ${f(a.maxAbsErrorMm)} mm; ${a.movingLeaves} moving leaves`,
    `fluence gamma ${a.gamma.criteria}: ${a.gamma.passPercent === null ? 'n/a' : `${a.gamma.passPercent.toFixed(2)} % pass`} over ${a.gamma.evaluated} points (planned vs delivered fluence from the log)`,
  ];
}
