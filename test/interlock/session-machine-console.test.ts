import { describe, expect, it } from 'vitest';
import { SessionHarness } from '../helpers/session-harness.js';

const commandsOf = (h: SessionHarness): string[] => {
  const seen: string[] = [];
  h.actor.on('command', (c) => seen.push(c.command));
  return seen;
};

describe('session machine: what the console needs', () => {
  it('returns to awaiting a registration when the operator rejects the pending one, and notes why', () => {
    const h = new SessionHarness();
    const notices: unknown[] = [];
    h.actor.on('notice', (n) => notices.push(n));
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    const p = h.pending();
    h.send({ type: 'REGISTRATION', pending: p } as never);
    h.send({ type: 'REJECT_REGISTRATION', registrationId: 'another', operator: 'rtt', reason: 'x' } as never);
    expect(h.state).toBe('setup.awaitingApproval');
    h.send({ type: 'REJECT_REGISTRATION', registrationId: p.registration.id, operator: 'rtt', reason: 'motion artefact' } as never);
    expect(h.state).toBe('setup.awaitingRegistration');
    expect(h.context.pending).toBeUndefined();
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'registration-rejected', registrationId: p.registration.id, reason: 'motion artefact' }));
  });

  it('re-selects (re-arms) the current beam at ready, and refuses another beam or one that has delivered', () => {
    const h = new SessionHarness();
    h.toReady();
    const commands = commandsOf(h);
    h.send({ type: 'SELECT_BEAM', beamIndex: 1, operator: 'rtt' } as never);
    expect([h.state, commands]).toEqual(['ready', []]);
    h.send({ type: 'SELECT_BEAM', beamIndex: 0, operator: 'rtt' } as never);
    expect(h.state).toBe('mlcPositioning');
    expect(commands).toEqual(['ARM_BEAM', 'MOVE_MLC', 'SET_SEGMENT_END']);
  });

  it('tags the states a console acts on, so callers need not compare state names', () => {
    const h = new SessionHarness();
    expect([...h.actor.getSnapshot().tags]).toEqual(['idle']);
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    h.send({ type: 'REGISTRATION', pending: h.pending() } as never);
    expect([...h.actor.getSnapshot().tags].sort()).toEqual(['awaiting-approval', 'setup']);
    const r = new SessionHarness();
    r.toReady();
    expect(r.actor.getSnapshot().hasTag('ready')).toBe(true);
    r.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    expect(r.actor.getSnapshot().hasTag('beam-on')).toBe(true);
    r.send({ type: 'OPERATOR_HOLD', operator: 'rtt' } as never);
    expect(r.actor.getSnapshot().hasTag('hold')).toBe(true);
    r.send({ type: 'ABORT', operator: 'rtt' } as never);
    expect(r.actor.getSnapshot().hasTag('aborted')).toBe(true);
  });
});
