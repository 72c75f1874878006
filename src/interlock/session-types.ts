/** Context, events and emitted commands of the treatment-session statechart. */
import type { ActionLevels } from '../config/bridge-config.js';
import type { MlcModel } from '../config/mlc-model.js';
import type { Pose6 } from '../core/pose.js';
import type { Plan } from '../domain/plan/plan.js';
import type { Classification } from '../domain/registration/classify-correction.js';
import type { Registration } from '../domain/registration/registration.js';
import type { MlcPositions } from '../protocol/mlc-protocol.js';
import type { Evidence, MotionTolerances, PermitTolerances } from './evidence.js';
import type { InterlockId } from './interlock-catalogue.js';
import type { PermitResult } from './evaluate-permit.js';
import type { RepositionRefusal } from './mlc-reposition.js';

export type OperatorRole = 'therapist' | 'physician' | 'physicist';

/**
 * Who approves a correction: built by the session facade from an authenticated identity
 * (or, in `simulate`, from the operators named on the command line), never by the caller of an event.
 */
export interface Approver {
  readonly user: string;
  readonly role: OperatorRole;
}

export interface PendingRegistration {
  readonly registration: Registration;
  readonly classification: Classification;
  /** Couch target computed from the couch pose when the registration arrived. */
  readonly target: Pose6;
  readonly receivedAtMs: number;
}

/** A QA beam (no plan): what the linac must be armed with, checked like a patient beam's. */
export interface QaBeam {
  readonly beamId: number;
  readonly presetMu: number;
  readonly doseRateMuPerMin: number;
}

/** Set while the session is in QA mode (entered by a physicist, never with a plan loaded). */
export interface QaModeContext {
  readonly operator: string;
  readonly beam?: QaBeam;
}

export interface SessionContext {
  readonly plan?: Plan;
  /** QA mode: who entered it and the selected QA beam. */
  readonly qa?: QaModeContext;
  readonly mlcModel: MlcModel;
  readonly actionLevels: Readonly<Record<string, ActionLevels>>;
  readonly motionSettings: Omit<MotionTolerances, 'required'>;
  /** Set at approval: this correction needs a verification image before beam-on. */
  readonly verificationRequired: boolean;
  readonly tolerances: PermitTolerances;
  readonly settleMs: number;
  readonly approvalTtlMs: number;
  readonly pending?: PendingRegistration;
  readonly appliedCorrectionIds: readonly string[];
  readonly approvedCouchTarget?: Pose6;
  readonly couchInPositionSinceMs?: number;
  readonly setupVerified: boolean;
  readonly beamIndex: number;
  readonly segmentIndex: number;
  readonly expectedLeaves?: MlcPositions;
  readonly evidence: Evidence;
  readonly latchedFaults: readonly InterlockId[];
  /** The interlocks that caused the current hold, or the last denial. */
  readonly holdCauses: readonly InterlockId[];
  readonly lastPermit?: PermitResult;
  /** When the session last entered beamOn, and whether the linac has since been seen with the beam on. */
  readonly beamOnSinceMs?: number;
  readonly beamOnConfirmed: boolean;
  /** When the linac was first seen with the beam on in this beamOn visit (the backup timer runs from here). */
  readonly beamOnConfirmedAtMs?: number;
  /** Beam-on time of the current beam in earlier visits to beamOn (segments, interruptions), ms. */
  readonly irradiationMs: number;
  /** When the session last entered mlcPositioning (between segments it may wait there only so long). */
  readonly mlcPositioningSinceMs?: number;
  /** When the session last entered beamHold. */
  readonly holdSinceMs?: number;
  /** When a terminate was last sent from fault or aborted (it is repeated until the readback shows the beam off). */
  readonly terminateSentAtMs?: number;
  /** Set by a RESUME at a segment boundary: the next segment starts only under the start permit. */
  readonly startPermitRequired: boolean;
  readonly faultReason?: string;
  /** Latches carried from an earlier journal of this room that ended in fault; a RESET acknowledges them. */
  readonly carriedLatches: readonly InterlockId[];
  /** That journal (set until the operator's RESET acknowledges the carried latches). */
  readonly carriedFrom?: string;
}

export interface SessionInput {
  readonly mlcModel: MlcModel;
  readonly actionLevels: Readonly<Record<string, ActionLevels>>;
  readonly motionSettings: Omit<MotionTolerances, 'required'>;
  readonly tolerances: PermitTolerances;
  readonly settleMs: number;
  readonly approvalTtlMs: number;
  readonly evidence: Evidence;
  /** Latched interlocks that survive a restart: the session starts in fault until an operator RESET. */
  readonly carriedLatches?: { readonly ids: readonly InterlockId[]; readonly journal: string };
}

interface Timed {
  /** Monotonic time of the event, ms: every guard judges evidence at this time. */
  readonly atMs: number;
}

export type SessionEvent =
  | (Timed & { readonly type: 'LOAD_PLAN'; readonly plan: Plan })
  | (Timed & { readonly type: 'REGISTRATION'; readonly pending: PendingRegistration })
  | (Timed & { readonly type: 'APPROVE'; readonly registrationId: string; readonly operator: string; readonly role: OperatorRole })
  /** The operator declines the pending correction (the patient is imaged again). */
  | (Timed & { readonly type: 'REJECT_REGISTRATION'; readonly registrationId: string; readonly operator: string; readonly reason: string })
  /** Re-select (and re-arm) the current beam before any of it is delivered: beams go in plan order. */
  | (Timed & { readonly type: 'SELECT_BEAM'; readonly beamIndex: number; readonly operator: string })
  | (Timed & { readonly type: 'EVIDENCE'; readonly evidence: Evidence })
  | (Timed & { readonly type: 'TICK' })
  | (Timed & { readonly type: 'BEAM_ON'; readonly operator: string })
  | (Timed & { readonly type: 'OPERATOR_HOLD'; readonly operator: string })
  | (Timed & { readonly type: 'RESUME'; readonly operator: string })
  /**
   * In a hold, re-send the current segment's leaves to the MLC (after a controller restart lost them).
   * The beam stays held; a RESUME is still needed. Operator and role come from the authenticated identity.
   */
  | (Timed & { readonly type: 'REPOSITION_MLC'; readonly operator: string; readonly role: OperatorRole })
  | (Timed & { readonly type: 'RESET'; readonly operator: string })
  | (Timed & { readonly type: 'ABORT'; readonly operator: string })
  | (Timed & { readonly type: 'COUCH_MOTION_FAULT'; readonly reason: string })
  /** The caller sets operator and role from the operator's identity, never from free input. */
  | (Timed & { readonly type: 'ENTER_QA'; readonly operator: string; readonly role: OperatorRole })
  | (Timed & { readonly type: 'EXIT_QA'; readonly operator: string })
  | (Timed & { readonly type: 'QA_SELECT_BEAM'; readonly operator: string; readonly beam: QaBeam })
  | (Timed & { readonly type: 'COMMAND_FAILED'; readonly command: SessionCommand['command']; readonly error: string });

export type SessionCommand =
  | { readonly type: 'command'; readonly command: 'MOVE_COUCH'; readonly target: Pose6; readonly moveId: number; readonly registrationId: string }
  | { readonly type: 'command'; readonly command: 'ARM_BEAM'; readonly beamId: number; readonly presetMu: number; readonly doseRateMuPerMin: number }
  /** `reposition`: sent in a hold by REPOSITION_MLC (the executor stops the controller first, wherever it stands). */
  | { readonly type: 'command'; readonly command: 'MOVE_MLC'; readonly leaves: MlcPositions; readonly beamId: number; readonly segment: number; readonly reposition?: true }
  | { readonly type: 'command'; readonly command: 'SET_SEGMENT_END'; readonly endMu: number }
  /** Carries the selected beam's planned parameters: the linac's readback is checked against them just before sending. */
  | { readonly type: 'command'; readonly command: 'BEAM_ON'; readonly beamId: number; readonly presetMu: number; readonly doseRateMuPerMin: number }
  | { readonly type: 'command'; readonly command: 'HOLD_BEAM' }
  | { readonly type: 'command'; readonly command: 'TERMINATE_BEAM' }
  | { readonly type: 'command'; readonly command: 'STOP_COUCH' }
  | { readonly type: 'command'; readonly command: 'STOP_MLC' };

export type SessionNotice =
  | { readonly type: 'notice'; readonly kind: 'permit-denied'; readonly unmet: readonly InterlockId[]; readonly event: string }
  | { readonly type: 'notice'; readonly kind: 'mlc-positioning-timeout'; readonly segment: number; readonly timeoutMs: number }
  | { readonly type: 'notice'; readonly kind: 'approval-refused'; readonly reason: string; readonly registrationId: string }
  | { readonly type: 'notice'; readonly kind: 'approval-voided'; readonly reason: string; readonly registrationId: string }
  | { readonly type: 'notice'; readonly kind: 'registration-rejected'; readonly reason: string; readonly registrationId: string }
  | { readonly type: 'notice'; readonly kind: 'verification'; readonly passed: boolean; readonly registrationId: string; readonly residualMm: number; readonly residualDeg: number }
  | { readonly type: 'notice'; readonly kind: 'unhandled-event'; readonly event: string; readonly state: string }
  | { readonly type: 'notice'; readonly kind: 'qa-refused'; readonly reason: string; readonly operator: string }
  | { readonly type: 'notice'; readonly kind: 'segment-delivered'; readonly beamId: number; readonly segment: number }
  /** REPOSITION_MLC accepted: the leaves sent (deliveredFraction: of a dynamic beam's meterset, else undefined). */
  | { readonly type: 'notice'; readonly kind: 'mlc-repositioned'; readonly operator: string; readonly role: OperatorRole; readonly beamId: number; readonly segment: number; readonly deliveredFraction?: number }
  /** REPOSITION_MLC refused: why, naming the field (mlc-reposition.ts). */
  | ({ readonly type: 'notice'; readonly kind: 'mlc-reposition-refused'; readonly operator: string; readonly role: OperatorRole } & RepositionRefusal)
  /** irradiationMs: the beam's time on as the backup timer counted it (from the linac's confirmation), ms. */
  | { readonly type: 'notice'; readonly kind: 'beam-delivered'; readonly beamId: number; readonly irradiationMs: number };

export type SessionEmitted = SessionCommand | SessionNotice;
