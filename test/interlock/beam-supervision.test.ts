/**
 * The session's own backstops on the beam: radiation it did not ask for, MU
 * beyond the segment end, a beam on too long (backup timer), a linac armed
 * with other parameters than the plan, and resuming at a segment boundary.
 * Time is simulated (every event carries atMs).
 */
import { describe, expect, it } from 'vitest';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { SessionHarness, srsPlan } from '../helpers/session-harness.js';

const terminates = (h: SessionHarness) => h.commands.filter((c) => c.command === 'TERMINATE_BEAM').length;
const beamOns = (h: SessionHarness) => h.commands.filter((c) => c.command === 'BEAM_ON').length;

function onBeam(plan?: typeof srsPlan): SessionHarness {
  const h = new SessionHarness(plan);
  if (plan?.protocol === 'srs') h.room.motion = { inWindow: true, sinceMs: -10_000 };
  h.toReady();
  h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
  h.deliver(2);
  expect(h.state).toBe('beamOn');
  return h;
}

/** Ways to put the session in each state where it has not asked for the beam. */
const REACH: Record<string, (h: SessionHarness) => void> = {
  idle: () => undefined,
  'setup.awaitingRegistration': (h) => h.send({ type: 'LOAD_PLAN', plan: h.plan } as never),
  'setup.couchMoving': (h) => {
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    const p = h.pending();
    h.send({ type: 'REGISTRATION', pending: p } as never);
    h.send({ type: 'APPROVE', registrationId: p.registration.id, operator: 'rtt', role: 'therapist' } as never);
  },
  ready: (h) => h.toReady(),
  mlcPositioning: (h) => {
    h.toReady();
    h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    h.room.mlcFollows = false; // the next segment's leaves never arrive
    h.deliver(100);
  },
  fractionComplete: (h) => {
    h.toReady();
    for (let i = 0; i < 2000 && h.state !== 'fractionComplete'; i++) {
      if (h.state === 'ready') h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
      if (h.state === 'beamOn') h.deliver(5);
      else h.tick();
    }
  },
};

describe('radiation the session did not ask for', () => {
  it.each(Object.keys(REACH))('terminates and latches IL-UNEXPECTED-BEAM when the linac reports the beam on in %s, repeating the terminate until the readback shows it off', (state) => {
    const h = new SessionHarness();
    REACH[state](h);
    expect(h.state).toBe(state);
    const before = terminates(h);
    h.room.linacIgnoresStops = true;
    h.room.beam.state = BeamState.BeamOn;
    h.tick();
    expect(h.state).toBe('fault');
    expect(h.context.latchedFaults).toContain('IL-UNEXPECTED-BEAM');
    expect(terminates(h)).toBe(before + 1);
    for (let i = 0; i < 10; i++) h.tick(50); // 500 ms of a linac that keeps the beam on
    expect(terminates(h)).toBeGreaterThanOrEqual(before + 5);
    h.send({ type: 'RESET', operator: 'physicist' } as never);
    expect(h.state).toBe('fault'); // not while the beam is on
    h.room.linacIgnoresStops = false;
    for (let i = 0; i < 4; i++) h.tick(50);
    const settled = terminates(h);
    for (let i = 0; i < 10; i++) h.tick(50);
    expect(h.room.beam.state).toBe(BeamState.Terminated);
    expect(terminates(h)).toBe(settled); // confirmed off: no more terminates
  });

  it.each(['fault', 'aborted'])('repeats the terminate in %s until the readback shows the beam off, and never more often than every 100 ms', (state) => {
    const h = onBeam();
    h.room.couchFault = true;
    h.tick();
    expect(h.state).toBe('fault');
    h.room.couchFault = false;
    if (state === 'aborted') {
      h.tick();
      h.send({ type: 'RESET', operator: 'physicist' } as never);
    }
    expect(h.state).toBe(state);
    h.room.linacIgnoresStops = true;
    h.room.beam.state = BeamState.BeamOn;
    const before = terminates(h);
    for (let i = 0; i < 50; i++) h.tick(20); // 1 s
    expect(terminates(h) - before).toBeGreaterThanOrEqual(9);
    expect(terminates(h) - before).toBeLessThanOrEqual(10);
    h.room.linacIgnoresStops = false;
    for (let i = 0; i < 50; i++) h.tick(20);
    expect(h.room.beam.state).toBe(BeamState.Terminated);
    expect(h.state).toBe(state);
  });

  it('keeps re-sending the hold for a second, then terminates a linac that stays on through a hold', () => {
    const h = onBeam();
    h.room.linacIgnoresStops = true;
    h.send({ type: 'OPERATOR_HOLD', operator: 'rtt' } as never);
    for (let i = 0; i < 50; i++) h.tick(20);
    expect(h.state).toBe('beamHold');
    h.tick(20);
    expect(h.state).toBe('fault');
    expect(h.context.latchedFaults).toContain('IL-UNEXPECTED-BEAM');
  });
});

describe('MU and time backstops', () => {
  it('terminates with IL-BACKUP-TIMER when both MU channels freeze with the beam on, long before 600 s', () => {
    const h = onBeam();
    const start = h.t;
    for (let i = 0; i < 1200 && h.state === 'beamOn'; i++) h.tick(500); // MU frozen, the linac still says beam on
    expect(h.state).toBe('fault');
    expect(h.context.latchedFaults).toContain('IL-BACKUP-TIMER');
    // beam 1: 60 MU at 600 MU/min = 6 s; × 1.1 + 2 s = 8.6 s (config defaults)
    expect(h.t - start).toBeGreaterThan(8_600 - 20);
    expect(h.t - start).toBeLessThanOrEqual(8_600 + 500);
    expect(h.commands.at(-3)?.command).toBe('TERMINATE_BEAM');
  });

  it('counts the backup timer across interruptions, not per visit to beamOn', () => {
    const h = onBeam();
    h.tick(5_000); // 5 s on
    h.send({ type: 'OPERATOR_HOLD', operator: 'rtt' } as never);
    h.tick(60_000); // a minute held: not counted
    expect(h.state).toBe('beamHold');
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    h.room.beam.state = BeamState.BeamOn;
    const resumedAt = h.t;
    for (let i = 0; i < 100 && h.state === 'beamOn'; i++) h.tick(100);
    expect(h.state).toBe('fault');
    expect(h.context.latchedFaults).toContain('IL-BACKUP-TIMER');
    expect(h.t - resumedAt).toBeLessThan(4_000); // 8.6 s in all, 5 s of it before the hold
  });

  it('terminates and latches IL-MU-OVERRUN when the linac counts 3 MU past the segment end (was only a hold)', () => {
    const h = onBeam();
    const b = h.room.beam;
    b.mu1 = b.mu2 = b.segmentEndMu + 3;
    b.state = BeamState.SegmentDone;
    h.tick();
    expect(h.state).toBe('fault');
    expect(h.context.latchedFaults).toContain('IL-MU-OVERRUN');
  });

  it('refuses beam-on and latches IL-PRESET-MISMATCH when the linac is armed with 10 × the planned preset', () => {
    const h = new SessionHarness();
    h.toReady();
    h.room.beam.presetMu *= 10;
    h.tick();
    h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    expect(h.state).toBe('fault');
    expect(h.context.latchedFaults).toContain('IL-PRESET-MISMATCH');
    expect(beamOns(h)).toBe(0);
  });

  it('completes a fraction delivered exactly to plan with none of these backstops firing', () => {
    const h = new SessionHarness();
    h.toReady();
    for (let i = 0; i < 2000 && h.state !== 'fractionComplete' && h.state !== 'fault'; i++) {
      if (h.state === 'ready') h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
      if (h.state === 'beamOn') h.deliver(2); // 2 MU per 20 ms is faster than 600 MU/min: the timer allows it
      else h.tick();
    }
    expect(h.state).toBe('fractionComplete');
  });
});

describe('RESUME at a segment boundary', () => {
  /** An SRS beam held for motion just as the linac reached the end of segment 0. */
  function heldAtBoundary(): SessionHarness {
    const h = onBeam(srsPlan);
    h.room.motion = { inWindow: false, sinceMs: h.t };
    h.tick(150);
    expect(h.state).toBe('beamHold');
    const b = h.room.beam;
    b.mu1 = b.mu2 = b.segmentEndMu;
    b.state = BeamState.SegmentDone;
    h.tick();
    return h;
  }

  it('refuses a RESUME 40 ms after the target left its window again (4 mm out of ±3 mm), though the running check would pass', () => {
    const h = heldAtBoundary();
    h.room.motion = { inWindow: true, sinceMs: h.t };
    h.tick(200);
    h.room.motion = { inWindow: false, sinceMs: h.t }; // out again
    h.tick(40);
    const ons = beamOns(h);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    for (let i = 0; i < 5; i++) h.tick(20);
    expect(h.state).toBe('beamHold');
    expect(beamOns(h)).toBe(ons);
    expect(h.context.holdCauses).toContain('IL-MOTION-OUT-OF-WINDOW');
  });

  it('continues to the next segment once the target has dwelt inside for the dwell time and the operator resumes', () => {
    const h = heldAtBoundary();
    h.room.motion = { inWindow: true, sinceMs: h.t };
    for (let i = 0; i < 51; i++) h.tick(20);
    const ons = beamOns(h);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('mlcPositioning');
    h.tick();
    expect(h.state).toBe('beamOn');
    expect(beamOns(h)).toBe(ons + 1);
    expect(h.context.segmentIndex).toBe(1);
  });

  it('holds again instead of continuing when the target leaves while the MLC moves after a boundary RESUME', () => {
    const h = heldAtBoundary();
    h.room.motion = { inWindow: true, sinceMs: h.t };
    for (let i = 0; i < 51; i++) h.tick(20);
    h.room.mlcFollows = false;
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('mlcPositioning');
    h.room.motion = { inWindow: false, sinceMs: h.t }; // left 20 ms ago: the running check would still pass
    h.tick(20);
    expect(h.state).toBe('beamHold');
  });
});
