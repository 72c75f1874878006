/** A validated CBCT registration result (domain form: epoch ms, Pose6 correction). */
import type { Pose6 } from '../../core/pose.js';
import type { CorrectionFrame } from '../couch/couch-correction.js';

export type RegistrationMethod = 'bony' | 'soft-tissue' | 'fiducial';

export interface Registration {
  readonly id: string;
  readonly patientId: string;
  readonly planId: string;
  readonly fraction: number;
  readonly imageSeries: string;
  readonly acquiredAtEpochMs: number;
  readonly registeredAtEpochMs: number;
  readonly method: RegistrationMethod;
  readonly roiName: string;
  /** Correction to apply to the patient about the isocentre, in `frame`'s axes (IEC 61217). */
  readonly correction: Pose6;
  /** The axes the correction is in, as the source declared; undefined: not declared (refused with the couch turned). */
  readonly frame?: CorrectionFrame;
  readonly quality: number;
  readonly source: string;
}

/** `reject`: the couch cannot reach the target (range, leg stroke, uncorrectable rotation). */
export type ActionClass = 'none' | 'apply' | 'review' | 're-setup' | 'reject';

export interface SessionIdentity {
  readonly patientId: string;
  readonly planId: string;
  readonly fraction: number;
}

/** Largest plausible correction: anything beyond is a unit or sign error, not a setup error. */
export const PLAUSIBLE_TRANSLATION_MM = 100;
export const PLAUSIBLE_ROTATION_DEG = 10;
