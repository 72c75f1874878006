import { describe, expect, it } from 'vitest';
import { evaluatePermit } from '../../src/interlock/evaluate-permit.js';
import { SessionHarness } from '../helpers/session-harness.js';

/** A session delivering its first beam, every report fresh. */
function onBeam(): SessionHarness {
  const h = new SessionHarness();
  h.toReady();
  h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
  h.deliver(2);
  expect(h.state).toBe('beamOn');
  return h;
}

const VALUE_CAUSES = ['IL-DOOR-OPEN', 'IL-COUCH-MOVING', 'IL-COUCH-NOT-IN-POSITION', 'IL-MLC-NOT-IN-POSITION', 'IL-BEAM-NOT-READY'];

describe('a hold names stale evidence as stale, not as the last value it held', () => {
  it('after a 0.5 s pause of the bridge with nothing read, the hold names the three stale links and nothing else', () => {
    const h = onBeam();
    const pausedAt = h.t;
    h.room.linkHeardAt = { mlc: pausedAt, couch: pausedAt, beam: pausedAt };
    h.t += 500; // the process was paused: the first thing it does is a TICK on the evidence it had
    h.send({ type: 'TICK' } as never);
    expect(h.state).toBe('beamHold');
    expect(h.context.holdCauses).toEqual(['IL-MLC-STALE', 'IL-COUCH-STALE', 'IL-BEAM-STALE']);
  });

  it('after a 0.5 s pause, a fresh linac report read first leaves the couch and MLC named stale, not moving or out of position', () => {
    const h = onBeam();
    const pausedAt = h.t;
    h.t += 500;
    h.room.linkHeardAt = { mlc: pausedAt, couch: pausedAt }; // the beam link's reply was read first: fresh
    h.send({ type: 'EVIDENCE', evidence: h.evidence() } as never);
    expect(h.state).toBe('beamHold');
    expect(h.context.holdCauses).toEqual(['IL-MLC-STALE', 'IL-COUCH-STALE']);
    for (const id of VALUE_CAUSES) expect(h.context.holdCauses).not.toContain(id);
  });

  it('a RESUME refused while the evidence is still stale names the stale link, and the door once the linac reports it open', () => {
    const h = onBeam();
    const pausedAt = h.t;
    h.room.linkHeardAt = { mlc: pausedAt, couch: pausedAt, beam: pausedAt };
    h.t += 500;
    h.send({ type: 'TICK' } as never);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamHold');
    const refused = h.notices.filter((n) => n.kind === 'permit-denied').at(-1) as { unmet: readonly string[] };
    expect(refused.unmet).toEqual(expect.arrayContaining(['IL-BEAM-STALE']));
    expect(refused.unmet).not.toContain('IL-DOOR-OPEN');
    h.room.linkHeardAt = {};
    h.room.doorClosed = false;
    h.tick();
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    const refusedAgain = h.notices.filter((n) => n.kind === 'permit-denied').at(-1) as { unmet: readonly string[] };
    expect(refusedAgain.unmet).toContain('IL-DOOR-OPEN');
    expect(refusedAgain.unmet).not.toContain('IL-BEAM-STALE');
  });

  it('keeps every value interlock unmet for the guards while naming the cause stale (same safety meaning)', () => {
    const h = onBeam();
    h.room.linkHeardAt = { beam: h.t };
    h.t += 500;
    const r = evaluatePermit({
      planLoaded: true, setupVerified: true, approvedCouchTarget: h.context.approvedCouchTarget, expectedLeaves: h.context.expectedLeaves,
      selectedBeamId: 1, expectedSegmentEndMu: 18, latchedFaults: [], evidence: h.evidence(), tolerances: h.context.tolerances,
    }, h.t, 'running');
    expect(r.permitted).toBe(false);
    expect(r.unmet).toEqual(expect.arrayContaining(['IL-DOOR-OPEN', 'IL-EMERGENCY-STOP', 'IL-BEAM-STALE']));
    expect(r.causes).toContain('IL-BEAM-STALE');
    expect(r.causes).not.toContain('IL-DOOR-OPEN');
    expect(r.causes).not.toContain('IL-EMERGENCY-STOP');
  });
});
