/** The record of one fraction, built from measured readback (never from commanded values). */
import type { Pose6 } from '../core/pose.js';
import type { ActionClass } from '../domain/registration/registration.js';
import type { InterlockId } from '../interlock/interlock-catalogue.js';

export interface SegmentRecord {
  readonly index: number;
  readonly plannedMu: number;
  /** Primary-channel MU delivered in this segment (readback difference). */
  readonly deliveredMu: number;
  /** Aperture read back from the MLC while this segment was delivered; null rows closed. */
  readonly apertureReadback: Array<[number, number] | null> | null;
}

export interface BeamRecord {
  readonly id: number;
  readonly name: string;
  readonly plannedMu: number;
  readonly deliveredMu1: number;
  readonly deliveredMu2: number;
  readonly muWithinTolerance: boolean;
  readonly segments: SegmentRecord[];
  /** Fluence rebuilt (native kernel) from the MLC readback and delivered MU, against the plan. */
  readonly fluence: { readonly maxAbsErrorMu: number; readonly plannedTotalMu: number; readonly reconstructedTotalMu: number };
}

export interface FractionRecord {
  readonly patientId: string;
  readonly planId: string;
  readonly fraction: number;
  /** 'held': the beam was still held when the run gave up waiting for a resume. */
  readonly outcome: 'complete' | 'aborted' | 'fault' | 'timeout' | 'held';
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
