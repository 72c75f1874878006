/**
 * What each console command does to the session, and why the session refuses it. Each handler
 * checks the state through statechart tags, sends one operator event, and judges the result
 * from the statechart (its state after the event, and the notices it emitted for it).
 */
import { isBridgeError } from '../../core/bridge-error.js';
import type { Plan } from '../../domain/plan/plan.js';
import { BeamState } from '../../protocol/beam-protocol.js';
import type { OperatorRole, SessionNotice } from '../../interlock/session-types.js';
import type { BridgeSession, SessionSnapshot } from '../bridge-session.js';
import { stateName } from '../bridge-session.js';
import { repositionMlc } from '../reposition-mlc.js';
import type { ConsoleCommand, Identity, RefusalCode } from './console-commands.js';
import type { RegistrationQueue } from './registration-queue.js';

export type HandlerResult = { readonly ok: true; readonly detail?: object } | { readonly ok: false; readonly code: RefusalCode; readonly message: string; readonly field?: string; readonly limit?: string | number };

export interface HandlerContext {
  readonly session: BridgeSession;
  readonly registrations: RegistrationQueue;
  readonly identity: Identity;
  /** Validates a plan (inline, or read from the plan library by id); throws a BridgeError naming the field. */
  readonly resolvePlan: (c: { planId?: string; plan?: unknown }) => Plan;
  /** Sends through the session and returns the notices the statechart emitted for it. */
  readonly sendCollecting: (f: () => void) => readonly SessionNotice[];
  /** Whether an interlock is active or latched now. */
  readonly interlockActive: (id: string) => boolean;
  /** Why a plan's fraction may not be delivered in full (an earlier run delivered part of it), or undefined. */
  readonly interruptedFraction?: (plan: Plan) => string | undefined;
}

const refused = (message: string, field?: string): HandlerResult => ({ ok: false, code: 'REFUSED', message, field });
const stale = (message: string, field?: string): HandlerResult => ({ ok: false, code: 'STALE_STATE', message, field });
const accepted: HandlerResult = { ok: true };

/** Why the statechart did not take an event, from its notices. */
function whyRefused(notices: readonly SessionNotice[], fallback: string): string {
  for (const n of notices) {
    if (n.kind === 'permit-denied') return `refused by the interlocks: ${n.unmet.join(', ')}`;
    if (n.kind === 'approval-refused') return `approval refused: ${n.reason}`;
    if (n.kind === 'qa-refused') return `QA mode refused: ${n.reason}`;
    if (n.kind === 'unhandled-event') return `${n.event} is not accepted in state ${n.state}`;
  }
  return fallback;
}

const snap = (x: HandlerContext): SessionSnapshot => x.session.snapshot;
const inState = (x: HandlerContext): string => stateName(snap(x).value);
const inQa = (x: HandlerContext): boolean => inState(x).startsWith('qa');

export function handle(cmd: ConsoleCommand, x: HandlerContext): HandlerResult {
  const user = x.identity.user;
  switch (cmd.type) {
    case 'loadPlan': {
      if (!snap(x).hasTag('idle')) return refused(`a plan is loaded in idle only; the session is in ${inState(x)}`, 'type');
      let plan: Plan;
      try {
        plan = x.resolvePlan(cmd);
      } catch (e) {
        if (!isBridgeError(e)) throw e;
        return { ok: false, code: 'INPUT_INVALID', message: e.message, field: e.field === undefined ? 'plan' : e.field.startsWith('plan') ? e.field : `plan.${e.field}`, limit: e.limit };
      }
      const interrupted = x.interruptedFraction?.(plan);
      if (interrupted) return refused(interrupted, 'plan.fraction');
      const notices = x.sendCollecting(() => x.session.send({ type: 'LOAD_PLAN', plan }));
      return snap(x).hasTag('setup') ? { ok: true, detail: { planId: plan.planId, patientId: plan.patientId } } : refused(whyRefused(notices, 'the plan was not taken'));
    }
    case 'selectBeam':
    case 'arm': {
      const beamIndex = cmd.type === 'selectBeam' ? cmd.beamIndex : snap(x).context.beamIndex;
      if (!snap(x).hasTag('ready')) return refused(`a beam is selected in ready only; the session is in ${inState(x)}`);
      if (beamIndex !== snap(x).context.beamIndex) return refused(`beams are delivered in plan order: the next is beam index ${snap(x).context.beamIndex}`, 'beamIndex');
      // already armed for this beam (the readback says so): nothing to send. Re-arming would make the
      // linac reset while its old 'armed' readback still satisfies the permit, and a beam-on sent in
      // that gap would be held at once
      const beamId = snap(x).context.plan?.beams[beamIndex]?.id;
      const linac = x.session.readback().beam?.status;
      if (linac && linac.state === BeamState.Armed && linac.beamId === beamId) return { ok: true, detail: { alreadyArmed: true, beamId } };
      const notices = x.sendCollecting(() => x.session.send({ type: 'SELECT_BEAM', beamIndex, operator: user }));
      return notices.some((n) => n.kind === 'unhandled-event') ? refused(whyRefused(notices, 'not selected')) : accepted;
    }
    case 'approveRegistration': return approve(cmd.registrationId, x);
    case 'rejectRegistration': {
      const r = current(cmd.registrationId, x);
      if (!r.ok) return r;
      const notices = x.sendCollecting(() => x.session.send({ type: 'REJECT_REGISTRATION', registrationId: cmd.registrationId, operator: user, reason: cmd.reason }));
      if (snap(x).context.pending?.registration.id === cmd.registrationId) return refused(whyRefused(notices, 'not rejected'));
      x.registrations.reject(cmd.registrationId, user, cmd.reason);
      return accepted;
    }
    case 'moveCouch': {
      const r = current(cmd.registrationId, x);
      if (!r.ok) return r;
      const q = x.registrations.get(cmd.registrationId)!;
      if (q.status !== 'approved' || !q.approvedBy) return refused(`registration ${cmd.registrationId} is not approved: the couch moves only to an approved correction`, 'registrationId');
      // the statechart judges the approver's role, taken from the identity that approved
      const approver = { user: q.approvedBy.user, role: q.approvedBy.role as OperatorRole };
      const notices = x.sendCollecting(() => x.session.approve(cmd.registrationId, approver));
      return snap(x).hasTag('awaiting-approval') ? refused(whyRefused(notices, 'the couch was not commanded')) : { ok: true, detail: { approvedBy: approver } };
    }
    case 'beamOn': {
      if (!snap(x).hasTag('ready')) return refused(`beam-on needs the ready state; the session is in ${inState(x)}`);
      const notices = x.sendCollecting(() => x.session.send({ type: 'BEAM_ON', operator: user }));
      return snap(x).hasTag('beam-on') ? accepted : refused(whyRefused(notices, 'beam-on was not taken'));
    }
    case 'hold': {
      const running = snap(x).hasTag('beam-on') || (snap(x).hasTag('positioning') && snap(x).context.segmentIndex > 0);
      if (!running) return refused(`no running beam to hold; the session is in ${inState(x)}`);
      const notices = x.sendCollecting(() => x.session.send({ type: 'OPERATOR_HOLD', operator: user }));
      return snap(x).hasTag('hold') || snap(x).hasTag('fault') ? accepted : refused(whyRefused(notices, 'not held'));
    }
    case 'resume': {
      if (!snap(x).hasTag('hold')) return refused(`resume needs a held beam; the session is in ${inState(x)}`);
      const notices = x.sendCollecting(() => x.session.send({ type: 'RESUME', operator: user }));
      return snap(x).hasTag('hold') ? refused(whyRefused(notices, 'resume was not taken')) : accepted;
    }
    case 'repositionMlc': {
      // the statechart decides (held, MLC link fresh, a current segment) and names the field when it refuses
      const r = repositionMlc(x.session, { user, role: x.identity.role as OperatorRole });
      return r.ok ? { ok: true, detail: { beamId: r.beamId, segment: r.segment, deliveredFraction: r.deliveredFraction } } : { ok: false, code: 'REFUSED', message: r.error.message, field: r.error.field, limit: r.error.limit };
    }
    case 'terminate': {
      x.sendCollecting(() => x.session.send({ type: 'ABORT', operator: user }));
      return snap(x).hasTag('aborted') ? accepted : refused(`not terminated; the session is in ${inState(x)}`);
    }
    case 'acknowledgeInterlock':
      // an acknowledgement is journaled; it clears nothing (no role can override an interlock)
      return x.interlockActive(cmd.id) ? accepted : refused(`${cmd.id} is clear: nothing to acknowledge`, 'id');
    case 'reset': {
      if (!snap(x).hasTag('fault')) return refused(`reset needs the fault state; the session is in ${inState(x)}`);
      const notices = x.sendCollecting(() => x.session.send({ type: 'RESET', operator: user }));
      return snap(x).hasTag('fault') ? refused(whyRefused(notices, 'reset was not taken')) : accepted;
    }
    case 'enterQaMode': {
      // the role is the authenticated identity's (the command table admits physicists only)
      const notices = x.sendCollecting(() => x.session.send({ type: 'ENTER_QA', operator: user, role: x.identity.role as OperatorRole }));
      return inQa(x) ? accepted : refused(whyRefused(notices, 'QA mode was not entered'));
    }
    case 'leaveQaMode': {
      if (!inQa(x)) return refused(`not in QA mode; the session is in ${inState(x)}`);
      const notices = x.sendCollecting(() => x.session.send({ type: 'EXIT_QA', operator: user }));
      return inQa(x) ? refused(whyRefused(notices, 'QA mode was not left (is a QA beam on?)')) : accepted;
    }
  }
}

/** The registration the statechart awaits a decision on, or why this one cannot be decided. */
function current(id: string, x: HandlerContext): HandlerResult {
  const q = x.registrations.get(id);
  if (!q) return refused(`no registration ${id}`, 'registrationId');
  if (q.status === 'superseded' || q.status === 'rejected' || q.moved) return stale(`registration ${id} is ${q.moved ? 'already applied' : q.status}`, 'registrationId');
  if (!snap(x).hasTag('awaiting-approval') || snap(x).context.pending?.registration.id !== id) return stale(`registration ${id} is not the one awaiting approval`, 'registrationId');
  return accepted;
}

function approve(id: string, x: HandlerContext): HandlerResult {
  const r = current(id, x);
  if (!r.ok) return r;
  const q = x.registrations.get(id)!;
  if (q.status === 'approved') return refused(`registration ${id} is already approved by ${q.approvedBy?.user}`, 'registrationId');
  if (q.classification === 'reject' || q.classification === 're-setup') return refused(`the correction cannot be applied (${q.classification}: ${q.reasons.join('; ')})`, 'registrationId');
  if (q.classification === 'review' && x.identity.role !== 'physician') {
    return { ok: false, code: 'ROLE_FORBIDDEN', message: `a review-level correction needs a physician (${q.reasons.join('; ')}); your role is ${x.identity.role}`, field: 'role' };
  }
  x.registrations.approve(id, x.identity);
  return accepted;
}

