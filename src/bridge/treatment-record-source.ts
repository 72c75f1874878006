/**
 * The fraction record (built from readback) and the segment readback samples
 * → the treatment record's input (domain/records/record-input.ts), with each
 * beam's Treatment Termination Status, Code and reason:
 *
 *   beam delivered in full (MU within tolerance on both channels) → NORMAL  COMPLETE
 *   otherwise, by how the run ended:
 *     aborted (operator refused or aborted)                    → OPERATOR ABORTED
 *     interrupted by SIGINT / SIGTERM (a stop request)          → OPERATOR SIGINT / SIGTERM
 *     `start` closed with the fraction open (--exit-after)      → OPERATOR SESSION-CLOSED
 *     rebuilt from a killed bridge's journal (record from-journal) → UNKNOWN BRIDGE-LOST
 *     interrupted by an internal error                          → MACHINE  INTERNAL-ERROR
 *     fault (latched interlock / device fault)                  → MACHINE  FAULT
 *     held and not resumed: interlock causes / operator hold    → MACHINE / OPERATOR  HELD
 *     timeout                                                   → MACHINE  TIMEOUT
 *     complete, yet the beam's MU out of tolerance              → UNKNOWN  MU-TOLERANCE
 * Beams with nothing delivered are left out (the sequence describes delivered beams).
 */
import { randomUUID } from 'node:crypto';
import type { LoadedConfig } from '../config/load-config.js';
import { uidFromUuid } from '../domain/records/dicom-uid.js';
import type { DeliveredBeam, Termination, TreatmentRecordInput } from '../domain/records/record-input.js';
import type { RtPlan } from '../domain/plan/rt-plan.js';
import type { BeamRecord, FractionRecord } from './fraction-record.js';
import type { SegmentReadback } from './segment-readback.js';

export interface RecordSource {
  readonly record: FractionRecord;
  readonly model: RtPlan;
  readonly format: 'json' | 'dicom';
  readonly operator: string;
  readonly readback?: Pick<SegmentReadback, 'of'>;
  readonly config: LoadedConfig;
  readonly manufacturer: string;
  readonly nowIso?: string;
  readonly newUuid?: () => string;
}

/** Prefix of the stop reason of a `start` session closed with a fraction open, not by a signal or an error. */
export const SESSION_CLOSED = 'session closed';

/** Prefix of the stop reason of a fraction rebuilt from the journal of a bridge that stopped without recording it (SIGKILL, power loss). */
export const BRIDGE_LOST = 'the bridge stopped without closing the fraction';

/** The termination of one beam of the fraction record. */
export function beamTermination(beam: BeamRecord, r: FractionRecord): Termination {
  if (beam.muWithinTolerance) return { status: 'NORMAL', code: 'COMPLETE' };
  const why = [r.stopReason, r.faultReason].filter(Boolean).join('; ');
  const delivered = `delivered ${beam.deliveredMu1} of ${beam.plannedMu} MU`;
  switch (r.outcome) {
    case 'aborted': return { status: 'OPERATOR', code: 'ABORTED', reason: `aborted${why ? `: ${why}` : ''}; ${delivered}` };
    case 'interrupted': {
      const signal = r.stopReason === 'SIGINT' || r.stopReason === 'SIGTERM' ? r.stopReason : undefined;
      if (signal) return { status: 'OPERATOR', code: signal, reason: `stop requested (${signal}); beam held, ${delivered}` };
      // `start` shut down by its own schedule (--exit-after) with the fraction open
      if (r.stopReason?.startsWith(SESSION_CLOSED)) return { status: 'OPERATOR', code: 'SESSION-CLOSED', reason: `${r.stopReason}; beam held, ${delivered}` };
      // rebuilt from the journal of a bridge that was killed: how the beam ended is not known (PS3.3 C.8.8.21: UNKNOWN)
      if (r.stopReason?.startsWith(BRIDGE_LOST)) return { status: 'UNKNOWN', code: 'BRIDGE-LOST', reason: `${r.stopReason}; ${delivered} up to the last journaled linac readback` };
      return { status: 'MACHINE', code: 'INTERNAL-ERROR', reason: `${why || 'internal error'}; ${delivered}` };
    }
    case 'fault': return { status: 'MACHINE', code: 'FAULT', reason: `fault: ${r.faultReason ?? 'unknown'}; ${delivered}` };
    case 'held': {
      const causes = r.holds[r.holds.length - 1]?.causes ?? [];
      return causes.length
        ? { status: 'MACHINE', code: 'HELD', reason: `held by ${causes.join(', ')} and not resumed; ${delivered}` }
        : { status: 'OPERATOR', code: 'HELD', reason: `held by the operator or the linac and not resumed; ${delivered}` };
    }
    case 'timeout': return { status: 'MACHINE', code: 'TIMEOUT', reason: `the run timed out; ${delivered}` };
    default: return { status: 'UNKNOWN', code: 'MU-TOLERANCE', reason: `the fraction completed but the linac counted ${beam.deliveredMu1} / ${beam.deliveredMu2} MU of ${beam.plannedMu}` };
  }
}

/** Treatment Machine Name: the plan's, else the first configured name, else SIMULATED (a JSON plan names none). */
export function machineName(model: RtPlan, cfg: LoadedConfig): string {
  return model.beams.find((b) => b.machine)?.machine ?? cfg.bridge.machine.names?.[0] ?? 'SIMULATED';
}

export function treatmentRecordInput(s: RecordSource): TreatmentRecordInput {
  const uid = () => uidFromUuid((s.newUuid ?? randomUUID)());
  const beams: DeliveredBeam[] = s.record.beams.filter((b) => b.segments.length > 0).map((b) => ({
    number: b.id,
    termination: beamTermination(b, s.record),
    segments: b.segments.map((seg) => {
      const x = s.readback?.of(b.id, seg.index);
      return { index: seg.index, mu1: seg.deliveredMu, mu2: seg.deliveredMu2, ...(x?.start ? { start: x.start } : {}), ...(x?.end ? { end: x.end } : {}) };
    }),
  }));
  return {
    plan: s.model, planForm: s.format, fraction: s.record.fraction, operator: s.operator,
    machineName: machineName(s.model, s.config), manufacturer: s.manufacturer,
    startedAtIso: s.record.startedAt, endedAtIso: s.record.endedAt, createdAtIso: s.nowIso ?? new Date().toISOString(),
    uids: { sopInstance: uid(), study: uid(), series: uid() },
    beams,
  };
}
