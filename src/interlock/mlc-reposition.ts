/**
 * REPOSITION_MLC: in a hold, the therapist re-sends the current segment's leaves to the MLC (a
 * controller that restarted mid-beam comes up with its leaves where it powers up, and RESUME stays
 * refused on IL-MLC-NOT-IN-POSITION). Pure judgements for the statechart: whether the event may be
 * taken, and which leaves it sends. It never turns the beam on: the session stays in beamHold, the
 * interlock clears only from fresh readback within tolerance, and the operator still has to RESUME.
 */
import type { BridgeErrorCode } from '../core/bridge-error.js';
import { beamMu } from '../domain/plan/plan.js';
import { positionsAt, type MlcPositions } from '../protocol/mlc-protocol.js';
import { fresh, linkFresh } from './evaluate-permit.js';
import { currentBeam, evidenceOf, leavesFor } from './session-guards.js';
import type { OperatorRole, SessionContext, SessionEvent, SessionNotice } from './session-types.js';

/** Why a REPOSITION_MLC is refused: the field that decides it, with its value and the limit where they help. */
export interface RepositionRefusal {
  readonly code: Extract<BridgeErrorCode, 'PERMIT_DENIED' | 'LINK_STALE'>;
  readonly field: string;
  readonly reason: string;
  readonly actual?: string | number;
  readonly limit?: string | number;
}

/** The one state that takes REPOSITION_MLC (a patient beam held; not a QA beam, not between states). */
export const REPOSITION_STATE = 'beamHold';

/**
 * Whether a REPOSITION_MLC sent in state `state` (the statechart's value, flattened) may move the
 * leaves, judged at the event's time; undefined when it may.
 */
export function repositionRefusal(c: SessionContext, e: SessionEvent, state: string): RepositionRefusal | undefined {
  if (e.type !== 'REPOSITION_MLC') return { code: 'PERMIT_DENIED', field: 'event.type', actual: e.type, limit: 'REPOSITION_MLC', reason: 'not a reposition' };
  if (state !== REPOSITION_STATE) return { code: 'PERMIT_DENIED', field: 'session.state', actual: state, limit: REPOSITION_STATE, reason: 'the MLC is repositioned only while the beam is held' };
  // the role is the authenticated identity's (the console's role table admits therapists only): defence in depth
  if (e.role !== 'therapist') return { code: 'PERMIT_DENIED', field: 'role', actual: e.role, limit: 'therapist', reason: 'only an operator who may resume repositions the MLC' };
  const link = evidenceOf(c, e).links.mlc;
  if (!linkFresh(link, e.atMs)) return { code: 'LINK_STALE', field: 'links.mlc', actual: link.lastValidRxMs === undefined ? 'never heard' : `${Math.round(e.atMs - link.lastValidRxMs)} ms ago`, limit: `${link.staleAfterMs} ms`, reason: 'the MLC link is stale: the leaves can be neither commanded nor read back' };
  const beam = currentBeam(c);
  if (!beam || c.segmentIndex >= beam.segments.length) return { code: 'PERMIT_DENIED', field: 'segmentIndex', actual: c.segmentIndex, limit: beam?.segments.length ?? 0, reason: 'there is no current segment to reposition to' };
  if (beam.trajectory && deliveredFraction(c, e) === undefined) {
    return { code: 'LINK_STALE', field: 'beam.mu1', reason: `the MU delivered of dynamic beam ${beam.id} is unknown (no fresh linac readback of it): its trajectory position cannot be chosen` };
  }
  return undefined;
}

/**
 * The fraction of the current dynamic beam's meterset the linac reports delivered (channel 1, fresh
 * readback of that beam), 0..1; undefined when unknown.
 */
export function deliveredFraction(c: SessionContext, e: SessionEvent): number | undefined {
  const beam = currentBeam(c);
  const b = evidenceOf(c, e).beam;
  if (!beam || !b || !fresh(b.atMs, e.atMs, c.tolerances.evidenceMaxAgeMs) || b.status.beamId !== beam.id || !Number.isFinite(b.status.mu1)) return undefined;
  return Math.min(1, Math.max(0, b.status.mu1 / beamMu(beam)));
}

/**
 * The leaves REPOSITION_MLC sends: step and shoot, the current segment's aperture (the segment being
 * delivered when the hold came, or the one being positioned); a dynamic beam, its trajectory at the
 * delivered meterset fraction (linear between control points, as the controller follows it).
 */
export function repositionLeaves(c: SessionContext, e: SessionEvent): MlcPositions | undefined {
  const beam = currentBeam(c);
  if (!beam?.trajectory) return leavesFor(c, c.segmentIndex);
  const f = deliveredFraction(c, e);
  return f === undefined ? undefined : positionsAt(beam.trajectory, f);
}

const who = (e: SessionEvent): { operator: string; role: OperatorRole } => (e.type === 'REPOSITION_MLC' ? { operator: e.operator, role: e.role } : { operator: '', role: 'therapist' });

/** The notice of an accepted REPOSITION_MLC (after the leaves became the expected ones). */
export function repositionedNotice(c: SessionContext, e: SessionEvent): SessionNotice {
  const beam = currentBeam(c);
  return { type: 'notice', kind: 'mlc-repositioned', ...who(e), beamId: beam?.id ?? 0, segment: c.segmentIndex, deliveredFraction: beam?.trajectory ? deliveredFraction(c, e) : undefined };
}

/** The notice of a refused REPOSITION_MLC sent in `state`, naming why. */
export function repositionRefusedNotice(c: SessionContext, e: SessionEvent, state: string): SessionNotice {
  const why = repositionRefusal(c, e, state) ?? { code: 'PERMIT_DENIED' as const, field: 'session.state', actual: state, reason: 'not taken' };
  return { type: 'notice', kind: 'mlc-reposition-refused', ...who(e), ...why };
}

/** A statechart value as a dotted name (`beamHold`, `setup.awaitingApproval`). */
export function flatState(value: unknown): string {
  if (typeof value === 'string') return value;
  const [k, v] = Object.entries(value as Record<string, unknown>)[0] ?? ['?', ''];
  return v === '' ? k : `${k}.${flatState(v)}`;
}
