/**
 * What the session knows about the room, each item stamped with the monotonic
 * time it arrived. Interlocks are judged from this and the time of judgement:
 * evidence older than its limit counts as absent.
 */
import type { Pose6 } from '../core/pose.js';
import type { DoseChannelTolerance } from './dose-channels.js';
import type { MotionEvidence } from '../domain/motion/motion-monitor.js';
import type { TrajectoryError } from '../domain/plan/trajectory-error.js';
import type { BeamStatus } from '../protocol/beam-protocol.js';
import type { CouchStatus } from '../protocol/couch-register-map.js';
import type { MlcPositions, MlcStatus } from '../protocol/mlc-protocol.js';

export interface LinkEvidence {
  readonly lastValidRxMs: number | undefined;
  readonly staleAfterMs: number;
}

export interface Evidence {
  readonly beam?: { readonly status: BeamStatus; readonly atMs: number };
  readonly mlc?: { readonly positions: MlcPositions; readonly status: MlcStatus; readonly atMs: number };
  readonly couch?: { readonly actual: Pose6; readonly status: CouchStatus; readonly atMs: number };
  readonly links: { readonly mlc: LinkEvidence; readonly couch: LinkEvidence; readonly beam: LinkEvidence };
  /** Intrafraction monitoring, when a stream is attached. */
  readonly motion?: MotionEvidence;
  /** A dynamic beam's MLC readback judged against its trajectory at the measured MU (bridge/trajectory-watch.ts). */
  readonly trajectory?: TrajectoryEvidence;
  /** Whether every record so far reached the journal's stable storage. */
  readonly journal?: { readonly writable: boolean; readonly pendingRecords: number; readonly lostRecords: number };
}

/** The worst leaf of one MLC readback against the selected dynamic beam's trajectory (docs/dynamic-delivery.md). */
export interface TrajectoryEvidence extends TrajectoryError {
  readonly beamId: number;
  /** Arrival time of the MLC readback judged, ms. */
  readonly atMs: number;
  /** Width of the arrival-time window the readback was compared over (MLC + beam round trips), ms. */
  readonly skewWindowMs: number;
}

export interface MotionTolerances {
  /** Monitoring is required for this session (protocol); otherwise the motion interlocks are not applicable. */
  readonly required: boolean;
  readonly debounceMs: number;
  readonly dwellMs: number;
  /** No sample for this long is a stale stream, ms (sample period × N). */
  readonly staleAfterMs: number;
}

export interface PermitTolerances {
  readonly mlcPositionMm: number;
  readonly couchTranslationMm: number;
  readonly couchRotationDeg: number;
  /** The two dose channels must agree within this (relative, with an absolute floor). */
  readonly muChannelDisagreement: DoseChannelTolerance;
  /** Status evidence (door, couch, MLC readback) older than this is treated as absent, ms. */
  readonly evidenceMaxAgeMs: number;
  /** A dose channel above the segment end by more than this terminates and latches, MU. */
  readonly muOverrunMu: number;
  /** Backup timer: the beam may be on for its planned time × this + backupTimerMarginMs, cumulative. */
  readonly backupTimerFactor: number;
  readonly backupTimerMarginMs: number;
  /** Between segments the MLC must be in position within this, or the session holds (default MLC_POSITIONING_TIMEOUT_MS), ms. */
  readonly mlcPositioningTimeoutMs?: number;
  /** During a dynamic beam a leaf further than this from its trajectory at the measured MU holds the beam (default DYNAMIC_LEAF_TOLERANCE_MM), mm. */
  readonly dynamicLeafToleranceMm?: number;
  readonly motion?: MotionTolerances;
}

export const noLinks = (staleAfterMs: number): Evidence['links'] => ({
  mlc: { lastValidRxMs: undefined, staleAfterMs },
  couch: { lastValidRxMs: undefined, staleAfterMs },
  beam: { lastValidRxMs: undefined, staleAfterMs },
});

/** Default of tolerances.dynamicLeafToleranceMm: Varian's dynamic MLC leaf tolerance (docs/dynamic-delivery.md), mm. */
export const DYNAMIC_LEAF_TOLERANCE_MM = 2;
