/** Pure judgements of QA mode (qa-mode-states.ts) that the statechart's guards and actions use. */
import { BeamState, MU_LSB } from '../protocol/beam-protocol.js';
import type { InterlockId } from './interlock-catalogue.js';
import { qaHoldCauses, qaLatchedNow, qaReportedHoldCauses } from './qa-permit.js';
import { evidenceOf, linacTerminated } from './session-guards.js';
import type { SessionContext, SessionEvent } from './session-types.js';

/** What the session statechart takes from QA mode, in one place. */
export { qaHoldCauses, qaLatchedNow, qaPermitFor } from './qa-permit.js';
export { qaModeStates } from './qa-mode-states.js';

/** QA mode is for a physicist, with no plan loaded and nothing latched. */
export const qaEntryAllowed = (c: SessionContext, e: SessionEvent): boolean =>
  e.type === 'ENTER_QA' && e.role === 'physicist' && c.plan === undefined && c.latchedFaults.length === 0;

/** Why ENTER_QA was refused, as the notice says. */
export function qaRefusal(c: SessionContext, e: SessionEvent): string {
  if (e.type === 'ENTER_QA' && e.role !== 'physicist') return `QA mode is for physicists (role ${e.role})`;
  return c.plan ? 'a patient plan is loaded' : 'latched faults: RESET first';
}

/** Fresh readback shows the QA beam complete with its preset delivered. */
export function qaBeamDelivered(c: SessionContext, e: SessionEvent): boolean {
  const s = evidenceOf(c, e).beam;
  const b = c.qa?.beam;
  return !!s && !!b && e.atMs - s.atMs <= c.tolerances.evidenceMaxAgeMs && s.status.beamId === b.beamId && s.status.state === BeamState.Complete && s.status.mu1 >= b.presetMu - MU_LSB;
}

/** The QA beam as an ARM_BEAM or BEAM_ON command (the executor checks the linac's readback against it). */
export function qaBeamCommand<C extends 'ARM_BEAM' | 'BEAM_ON'>(c: SessionContext, command: C) {
  const b = c.qa?.beam ?? { beamId: 0, presetMu: 0, doseRateMuPerMin: 0 };
  return { type: 'command' as const, command, beamId: b.beamId, presetMu: b.presetMu, doseRateMuPerMin: b.doseRateMuPerMin };
}

export function qaFaultReason(c: SessionContext, e: SessionEvent): string {
  const ids = qaLatchedNow(c, e);
  if (ids.length) return `latched in QA mode: ${ids.join(', ')}`;
  if (e.type === 'COMMAND_FAILED') return `${e.command} failed: ${e.error}`;
  return linacTerminated(c, e) ? 'the linac terminated the QA beam' : 'fault in QA mode';
}

/** The causes recorded on entering a QA hold (none for an operator's hold). */
export function qaRecordedHoldCauses(c: SessionContext, e: SessionEvent): InterlockId[] {
  if (qaHoldCauses(c, e).length) return qaReportedHoldCauses(c, e);
  return e.type === 'OPERATOR_HOLD' ? [] : ['IL-BEAM-NOT-READY'];
}
