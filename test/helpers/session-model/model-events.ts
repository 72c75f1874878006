/**
 * The abstract model's event alphabet and how each abstract event becomes a
 * concrete, timed session event. Command failures happen at the time of the
 * last event; operator events too, or after the alphabet's operator delays;
 * room reports and ticks advance time by a small or a large step.
 */
import type { Plan } from '../../../src/domain/plan/plan.js';
import type { PendingRegistration, SessionCommand, SessionContext, SessionEvent } from '../../../src/interlock/session-types.js';
import { SETUP_TARGET } from '../session-harness.js';
import { roomEvidence, type AbstractRoom } from './abstract-room.js';
import { LARGE_STEP_MS, SMALL_STEP_MS } from './model-config.js';
import { roomChanges, type RoomChange, type Toggle } from './room-changes.js';

export const OPERATOR_EVENTS = ['LOAD_PLAN', 'REGISTRATION', 'APPROVE', 'BEAM_ON', 'OPERATOR_HOLD', 'RESUME', 'REPOSITION_MLC', 'RESET', 'ABORT'] as const;
export const COMMANDS: readonly SessionCommand['command'][] = ['MOVE_COUCH', 'ARM_BEAM', 'MOVE_MLC', 'SET_SEGMENT_END', 'BEAM_ON', 'HOLD_BEAM', 'TERMINATE_BEAM', 'STOP_COUCH', 'STOP_MLC'];

/** A registration whose correction is small (applied, and passes as a verification) or large (needs physician review, fails verification). */
export type RegistrationSize = 'small' | 'large';

export type ModelEvent =
  | { readonly type: 'room'; readonly change: RoomChange; readonly dtMs: number }
  | { readonly type: 'report'; readonly dtMs: number }
  | { readonly type: 'tick'; readonly dtMs: number }
  | { readonly type: 'operator'; readonly name: (typeof OPERATOR_EVENTS)[number]; readonly size?: RegistrationSize; readonly dtMs?: number }
  | { readonly type: 'failed'; readonly command: SessionCommand['command'] }
  | { readonly type: 'couchMotionFault' };

export interface Alphabet {
  readonly maxDeviations: number;
  /** Room faults the generator may toggle. */
  readonly toggles?: readonly Toggle[];
  /** Commands whose failure the generator reports (COMMAND_FAILED). */
  readonly failingCommands: readonly SessionCommand['command'][];
  readonly registrationSizes: readonly RegistrationSize[];
  /** Delays of operator events after the last event, ms (default: none, [0]). */
  readonly operatorDelaysMs?: readonly number[];
}

/** Every abstract event offered in a room. */
export function modelEvents(room: AbstractRoom, a: Alphabet): ModelEvent[] {
  const out: ModelEvent[] = roomChanges(room, a.maxDeviations, a.toggles).map((change) => ({ type: 'room', change, dtMs: SMALL_STEP_MS }));
  for (const dtMs of [SMALL_STEP_MS, LARGE_STEP_MS]) out.push({ type: 'report', dtMs }, { type: 'tick', dtMs });
  for (const delay of a.operatorDelaysMs ?? [0]) {
    const dtMs = delay > 0 ? { dtMs: delay } : {};
    for (const name of OPERATOR_EVENTS) {
      if (name === 'REGISTRATION') for (const size of a.registrationSizes) out.push({ type: 'operator', name, size, ...dtMs });
      else out.push({ type: 'operator', name, ...dtMs });
    }
  }
  for (const command of a.failingCommands) out.push({ type: 'failed', command });
  out.push({ type: 'couchMotionFault' });
  return out;
}

export const eventTime = (e: ModelEvent): number => (e.type === 'room' || e.type === 'report' || e.type === 'tick' || e.type === 'operator' ? (e.dtMs ?? 0) : 0);

export function registration(size: RegistrationSize, plan: Plan, atMs: number): PendingRegistration {
  const mm = size === 'small' ? 0.6 : 2.5;
  return {
    registration: { id: `reg-${size}-${atMs}`, patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction, imageSeries: 'CBCT', acquiredAtEpochMs: 0, registeredAtEpochMs: 0, method: 'bony', roiName: 'PTV', correction: SETUP_TARGET, quality: 0.9, source: 'model' },
    classification: { action: size === 'small' ? 'apply' : 'review', maxTranslationMm: mm, maxRotationDeg: 0.3, reasons: size === 'small' ? [] : ['above apply limit'] },
    target: SETUP_TARGET,
    receivedAtMs: atMs,
  };
}

/** The concrete session event for an abstract one, in this room (already changed) at atMs. */
export function sessionEvent(e: ModelEvent, room: AbstractRoom, ctx: SessionContext, plan: Plan, atMs: number): SessionEvent {
  const operator = 'model';
  switch (e.type) {
    case 'room':
    case 'report': return { type: 'EVIDENCE', evidence: roomEvidence(room, atMs), atMs };
    case 'tick': return { type: 'TICK', atMs };
    case 'failed': return { type: 'COMMAND_FAILED', command: e.command, error: 'model: no reply', atMs };
    case 'couchMotionFault': return { type: 'COUCH_MOTION_FAULT', reason: 'model: stall', atMs };
    case 'operator':
      switch (e.name) {
        case 'LOAD_PLAN': return { type: 'LOAD_PLAN', plan, atMs };
        case 'REGISTRATION': return { type: 'REGISTRATION', pending: registration(e.size ?? 'small', plan, atMs), atMs };
        case 'APPROVE': return { type: 'APPROVE', registrationId: ctx.pending?.registration.id ?? 'none', operator, role: 'therapist', atMs };
        case 'REPOSITION_MLC': return { type: 'REPOSITION_MLC', operator, role: 'therapist', atMs };
        default: return { type: e.name, operator, atMs };
      }
  }
}
