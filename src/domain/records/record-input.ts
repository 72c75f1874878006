/**
 * What a treatment record is built from: the plan model, and per beam what the
 * linac, MLC and couch read back while it was delivered (never what was
 * commanded). Filled by the bridge (bridge/treatment-record-source.ts) from
 * the fraction record and the readback sampled at each segment's start and end.
 */
import type { Pose6 } from '../../core/pose.js';
import type { LeafPositions, RtPlan } from '../plan/rt-plan.js';

/** DICOM Treatment Termination Status (3008,002A), PS3.3 C.8.8.21. */
export type TerminationStatus = 'NORMAL' | 'OPERATOR' | 'MACHINE' | 'UNKNOWN';

export interface Termination {
  readonly status: TerminationStatus;
  /** Treatment Termination Code (3008,002B): a short machine-specific code, at most 16 characters (SH). */
  readonly code: string;
  /** Why the beam ended, in words (written as Treatment Termination Description (300A,0730)). */
  readonly reason?: string;
}

/** Readback taken at one instant of a segment. */
export interface ReadbackSample {
  readonly atIso: string;
  /** MLC readback, mm at the isocentre plane (bank B = X1, bank A = X2); absent: no MLC readback then. */
  readonly leaves?: LeafPositions;
  /** Couch readback (IEC 61217 table-top axes, mm and degrees); absent: no couch readback then. */
  readonly couch?: Pose6;
}

export interface DeliveredSegment {
  /** Index of the segment in the beam's step-and-shoot segments (beam-segments.ts `staticSegments`). */
  readonly index: number;
  /** Primary / secondary channel MU delivered in it (linac readback differences), a partial segment included. */
  readonly mu1: number;
  readonly mu2: number;
  /** Readback as the segment started and as it ended (or was cut short); absent for a segment an earlier, interrupted run delivered. */
  readonly start?: ReadbackSample;
  readonly end?: ReadbackSample;
}

export interface DeliveredBeam {
  /** Beam Number of the plan beam. */
  readonly number: number;
  readonly segments: readonly DeliveredSegment[];
  readonly termination: Termination;
}

export interface TreatmentRecordInput {
  readonly plan: RtPlan;
  /** 'dicom': the plan's SOP Instance UID is referenced; 'json': no DICOM plan exists, none is referenced. */
  readonly planForm: 'dicom' | 'json';
  readonly fraction: number;
  readonly operator: string;
  /** Treatment Machine Name (300A,00B2), at most 16 characters. */
  readonly machineName: string;
  readonly manufacturer: string;
  readonly startedAtIso: string;
  readonly endedAtIso: string;
  /** When the record was made (Instance Creation Date/Time). */
  readonly createdAtIso: string;
  readonly uids: { readonly sopInstance: string; readonly study: string; readonly series: string };
  readonly beams: readonly DeliveredBeam[];
}

export const RT_BEAMS_TREATMENT_RECORD_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.481.4';
