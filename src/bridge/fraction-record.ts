/** The record of one fraction, built from measured readback (never from commanded values). */
import type { Pose6 } from '../core/pose.js';
import type { ActionClass } from '../domain/registration/registration.js';
import type { InterlockId } from '../interlock/interlock-catalogue.js';

export interface SegmentRecord {
  readonly index: number;
  readonly plannedMu: number;
  /** Primary-channel MU delivered in this segment (readback difference), a partial segment included. */
  readonly deliveredMu: number;
  /** Secondary-channel MU delivered in this segment (readback difference). */
  readonly deliveredMu2: number;
  /** Aperture read back from the MLC while this segment was delivered; null rows closed. */
  readonly apertureReadback: Array<[number, number] | null> | null;
}

import type { TrajectoryStats } from './trajectory-watch.js';

export interface BeamRecord {
  readonly id: number;
  readonly name: string;
  readonly plannedMu: number;
  readonly deliveredMu1: number;
  readonly deliveredMu2: number;
  readonly muWithinTolerance: boolean;
  readonly segments: SegmentRecord[];
  /** Fluence rebuilt (native kernel) from the MLC readback and delivered MU, against the plan. Absent for a dynamic beam (its segment is an envelope, not a fluence). */
  readonly fluence?: { readonly maxAbsErrorMu: number; readonly plannedTotalMu: number; readonly reconstructedTotalMu: number };
  /** A dynamic beam: its MLC readback against the trajectory at the measured MU (docs/dynamic-delivery.md). */
  readonly trajectory?: TrajectoryStats & { readonly toleranceMm: number };
}

export interface RecoveredDelivery {
  /** Journal file of the interrupted run. */
  readonly journal: string;
  readonly operator: string;
  readonly beams: ReadonlyArray<{ readonly id: number; readonly deliveredMu1: number; readonly deliveredMu2: number }>;
  /** Journal's fraction record minus the linac's last counters, summed over segments (0 when they agree). */
  readonly journalMinusLinacMu: number;
}

export interface FractionRecord {
  readonly patientId: string;
  readonly planId: string;
  readonly fraction: number;
  /**
   * 'held': the beam was still held when the run gave up waiting for a resume;
   * 'interrupted': a signal or an internal error stopped the run (`stopReason`).
   */
  readonly outcome: 'complete' | 'aborted' | 'fault' | 'timeout' | 'held' | 'interrupted';
  /** Why the run stopped early: 'timeout', 'SIGINT', 'SIGTERM', 'uncaught-exception: …'. */
  readonly stopReason?: string;
  /** This run resumed an interrupted one: what was recovered from its journal (included in `beams`). */
  readonly resumed?: RecoveredDelivery;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly registration?: {
    readonly id: string;
    readonly correction: Pose6;
    readonly action: ActionClass;
    readonly approvedBy: string;
  };
  readonly couch?: {
    readonly approvedTarget: Pose6;
    readonly finalPose: Pose6;
    readonly maxDeviationMm: number;
    readonly maxDeviationDeg: number;
    readonly withinTolerance: boolean;
    readonly toleranceMm: number;
    readonly toleranceDeg: number;
  };
  readonly beams: BeamRecord[];
  readonly holds: Array<{ readonly causes: readonly InterlockId[]; readonly atIso: string; readonly resumedAtIso?: string; readonly resumedBy?: string }>;
  readonly faultReason?: string;
  readonly framesRejected: { readonly mlc: number; readonly couch: number; readonly beam: number };
  readonly journal?: string;
}
