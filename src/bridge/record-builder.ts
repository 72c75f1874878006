/**
 * Builds the fraction record from measured readback: delivered MU per beam and
 * segment on both channels (this run's readback added to what an interrupted
 * run delivered), the fluence rebuilt from the MLC readback, the couch.
 */
import { poseDeviation, type Pose6 } from '../core/pose.js';
import { beamMu, type Plan } from '../domain/plan/plan.js';
import { accumulateFluenceAsync } from '../kernels/fluence.js';
import type { BridgeSession } from './bridge-session.js';
import { addDeliveries, type BeamDelivery } from './delivery-ledger.js';
import type { BeamRecord, FractionRecord, RecoveredDelivery, SegmentRecord } from './fraction-record.js';
import { round3, type SegmentTracker } from './segment-tracker.js';

export interface RecordFacts {
  readonly outcome: FractionRecord['outcome'];
  readonly stopReason?: string;
  readonly startedAt: string;
  readonly approvedBy: string;
  readonly holds: FractionRecord['holds'];
  readonly resumed?: RecoveredDelivery;
}

/** Per-beam records: delivered MU per segment on both channels, and the fluence rebuilt from aperture readback. */
export async function beamRecords(
  plan: Plan, delivered: readonly BeamDelivery[], apertureOf: (beamId: number, index: number) => SegmentRecord['apertureReadback'] | undefined, tolMu: number,
  /** A dynamic beam's leaf-error summary (it has no fluence from apertures). */
  trajectoryOf: (beamId: number) => BeamRecord['trajectory'] = () => undefined,
): Promise<BeamRecord[]> {
  const beams: BeamRecord[] = [];
  for (const beam of plan.beams) {
    const planned = round3(beamMu(beam));
    const segs = delivered.find((d) => d.beamId === beam.id)?.segments ?? [];
    const segments: SegmentRecord[] = segs.map((s) => ({
      index: s.index, plannedMu: beam.segments[s.index]?.mu ?? 0, deliveredMu: round3(s.mu1), deliveredMu2: round3(s.mu2),
      // segments an interrupted run delivered have no aperture readback in this run
      apertureReadback: apertureOf(beam.id, s.index) ?? null,
    }));
    const apertures = segments.map((s) => ({ mu: s.deliveredMu, rows: s.apertureReadback ?? new Array(beam.grid.rows).fill(null) }));
    const rebuilt = apertures.length ? (await accumulateFluenceAsync(beam.grid.rows, beam.grid.cols, apertures)).values : new Float64Array(beam.grid.rows * beam.grid.cols);
    let maxErr = 0;
    let total = 0;
    let plannedTotal = 0;
    beam.fluence.forEach((row, i) => row.forEach((v, j) => {
      maxErr = Math.max(maxErr, Math.abs(rebuilt[i * beam.grid.cols + j] - v));
      total += rebuilt[i * beam.grid.cols + j];
      plannedTotal += v;
    }));
    const mu1 = round3(segs.reduce((a, s) => a + s.mu1, 0));
    const mu2 = round3(segs.reduce((a, s) => a + s.mu2, 0));
    const trajectory = beam.trajectory ? trajectoryOf(beam.id) : undefined;
    beams.push({
      id: beam.id, name: beam.name, plannedMu: planned, deliveredMu1: mu1, deliveredMu2: mu2,
      muWithinTolerance: Math.abs(mu1 - planned) <= tolMu && Math.abs(mu2 - planned) <= tolMu,
      segments,
      ...(beam.trajectory ? (trajectory ? { trajectory } : {}) : { fluence: { maxAbsErrorMu: round3(maxErr), plannedTotalMu: round3(plannedTotal), reconstructedTotalMu: round3(total) } }),
    });
  }
  return beams;
}

export async function buildRecord(session: BridgeSession, plan: Plan, tracker: SegmentTracker, baseline: readonly BeamDelivery[], r: RecordFacts): Promise<FractionRecord> {
  const ctx = session.snapshot.context;
  const tol = session.config.bridge.tolerances.deliveredMuToleranceMu;
  const toleranceMm = session.config.bridge.tolerances.dynamicLeafToleranceMm;
  const trajectoryOf = (id: number) => {
    const s = session.trajectoryStats(id);
    return s && { ...s, maxLeafErrorMm: round3(s.maxLeafErrorMm), worstLeaf: s.worstLeaf && { ...s.worstLeaf, mu: round3(s.worstLeaf.mu) }, toleranceMm };
  };
  const beams = await beamRecords(plan, addDeliveries(baseline, tracker.delivered()), (id, index) => tracker.apertures.get(id)?.get(index), tol, trajectoryOf);
  const finalPose = session.drivers.couch.latest?.actual;
  const target = ctx.approvedCouchTarget;
  const cfg = session.config.couch.inPosition;
  const dev = finalPose && target ? poseDeviation(finalPose, target) : undefined;
  const pending = ctx.pending;
  return {
    patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction, outcome: r.outcome, stopReason: r.stopReason, startedAt: r.startedAt, endedAt: new Date().toISOString(),
    resumed: r.resumed,
    registration: pending && { id: pending.registration.id, correction: pending.registration.correction, action: pending.classification.action, approvedBy: r.approvedBy },
    couch: finalPose && target && dev ? {
      approvedTarget: roundPose(target), finalPose: roundPose(finalPose), maxDeviationMm: round3(dev.maxMm), maxDeviationDeg: round3(dev.maxDeg),
      withinTolerance: dev.maxMm <= cfg.translationMm && dev.maxDeg <= cfg.rotationDeg, toleranceMm: cfg.translationMm, toleranceDeg: cfg.rotationDeg,
    } : undefined,
    beams, holds: r.holds, faultReason: ctx.faultReason,
    framesRejected: { mlc: session.drivers.mlc.counters.framesRejected, couch: session.drivers.couch.counters.framesRejected, beam: session.drivers.beam.counters.framesRejected },
  };
}

const roundPose = (p: Pose6): Pose6 => ({
  lateralMm: round3(p.lateralMm), longitudinalMm: round3(p.longitudinalMm), verticalMm: round3(p.verticalMm),
  pitchDeg: round3(p.pitchDeg), rollDeg: round3(p.rollDeg), yawDeg: round3(p.yawDeg),
});
