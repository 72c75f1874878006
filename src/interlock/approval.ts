/** Whether an operator's approval of a registration may move the couch; the refusal reason if not. */
import type { SessionContext, SessionEvent } from './session-types.js';

export function approvalRefusal(c: SessionContext, e: SessionEvent): string | undefined {
  if (e.type !== 'APPROVE') return 'not an approval';
  const p = c.pending;
  if (!p) return 'no registration is pending';
  if (p.registration.id !== e.registrationId) return `approval names registration ${e.registrationId}, the pending one is ${p.registration.id}`;
  if (c.appliedCorrectionIds.includes(e.registrationId)) return `correction ${e.registrationId} was already applied`;
  const ageMs = e.atMs - p.receivedAtMs;
  if (ageMs > c.approvalTtlMs) return `approval came ${Math.round(ageMs)} ms after the registration, limit ${c.approvalTtlMs} ms`;
  const action = p.classification.action;
  if (action === 'reject') return `the couch cannot apply this correction (${p.classification.reasons.join('; ')})`;
  if (action === 're-setup') return `correction needs a new setup (${p.classification.reasons.join('; ')})`;
  // e.role is the approver's identity: APPROVE is built only by BridgeSession.approve() from an
  // authenticated user (console) or an operator named on the command line (simulate --physician)
  if (action === 'review' && e.role !== 'physician') return `correction needs physician review (${p.classification.reasons.join('; ')}), approver role ${e.role}`;
  return undefined;
}
