/**
 * The operator's REPOSITION_MLC through a session, answered as a result: the statechart decides
 * (interlock/mlc-reposition.ts) and says why in a notice; a refusal becomes one BridgeError naming
 * the field. Every attempt is journaled: the operator event with user and role (BridgeSession),
 * then the statechart's notice (`mlc-repositioned` or `mlc-reposition-refused`).
 */
import { BridgeError } from '../core/bridge-error.js';
import type { Approver, SessionNotice } from '../interlock/session-types.js';
import type { MlcPositions } from '../protocol/mlc-protocol.js';
import type { BridgeSession } from './bridge-session.js';

export type RepositionOutcome =
  | { readonly ok: true; readonly beamId: number; readonly segment: number; readonly leaves: MlcPositions; readonly deliveredFraction?: number }
  | { readonly ok: false; readonly error: BridgeError };

type Answer = Extract<SessionNotice, { kind: 'mlc-repositioned' | 'mlc-reposition-refused' }>;

/**
 * Asks the session to re-send the current segment's leaves to the MLC for `operator` (an
 * authenticated identity, never a role the caller chose). The beam stays held: a RESUME is
 * still needed, and it passes only once fresh readback shows the leaves within tolerance.
 */
export function repositionMlc(session: BridgeSession, operator: Approver): RepositionOutcome {
  if (session.actor.getSnapshot().status !== 'active') {
    session.note('operator', { type: 'REPOSITION_MLC', operator: operator.user, role: operator.role, refused: 'the session has ended' });
    return { ok: false, error: new BridgeError('PERMIT_DENIED', 'the session has ended', { field: 'session.state', actual: session.stateName }) };
  }
  let answer: Answer | undefined;
  const sub = session.notices$.subscribe((n) => {
    if (n.kind === 'mlc-repositioned' || n.kind === 'mlc-reposition-refused') answer = n;
  });
  try {
    session.send({ type: 'REPOSITION_MLC', operator: operator.user, role: operator.role });
  } finally {
    sub.unsubscribe();
  }
  if (answer?.kind === 'mlc-repositioned') {
    const c = session.snapshot.context;
    return { ok: true, beamId: answer.beamId, segment: answer.segment, leaves: c.expectedLeaves!, deliveredFraction: answer.deliveredFraction };
  }
  if (!answer) return { ok: false, error: new BridgeError('PERMIT_DENIED', 'the session did not answer the reposition', { field: 'session.state', actual: session.stateName }) };
  return { ok: false, error: new BridgeError(answer.code, answer.reason, { field: answer.field, actual: answer.actual, limit: answer.limit }) };
}
