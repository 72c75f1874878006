import { describe, expect, it } from 'vitest';
import { SessionHarness } from '../helpers/session-harness.js';

/** Found by the property tests (session-properties.test.ts): an event beamOn does not handle left a stale beam running until the next TICK. */
describe('an event that beamOn does not handle', () => {
  function beamOnThenSilence(): SessionHarness {
    const h = new SessionHarness();
    h.toReady();
    h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    h.deliver(0.5);
    expect(h.state).toBe('beamOn');
    h.room.linkHeardAt.beam = h.t; // the beam link falls silent
    h.t += 151; // past its 150 ms heartbeat, and no TICK or report since
    return h;
  }

  it.each(['RESUME', 'BEAM_ON', 'RESET', 'LOAD_PLAN', 'APPROVE', 'REGISTRATION'])('%s still judges the evidence at its time: stale links hold the beam', (type) => {
    const h = beamOnThenSilence();
    const payload = type === 'LOAD_PLAN' ? { plan: h.plan } : type === 'REGISTRATION' ? { pending: h.pending() } : type === 'APPROVE' ? { registrationId: 'x', role: 'therapist', operator: 'rtt' } : { operator: 'rtt' };
    const before = h.commands.length;
    h.send({ type, ...payload } as never);
    expect(h.state).toBe('beamHold');
    expect(h.context.holdCauses).toContain('IL-BEAM-STALE');
    expect(h.commands.slice(before).map((c) => c.command)).toEqual(['HOLD_BEAM']);
    expect(h.notices.at(-1)).toMatchObject({ kind: 'unhandled-event', event: type });
  });

  it('with fresh evidence changes nothing but the unhandled-event notice', () => {
    const h = new SessionHarness();
    h.toReady();
    h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    h.deliver(0.5);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamOn');
    expect(h.notices.at(-1)).toMatchObject({ kind: 'unhandled-event', event: 'RESUME' });
  });
});
