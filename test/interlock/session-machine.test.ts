import { describe, expect, it } from 'vitest';
import { INTERLOCKS, INTERLOCK_IDS, type InterlockId } from '../../src/interlock/interlock-catalogue.js';
import { BeamState, TerminationReason } from '../../src/protocol/beam-protocol.js';
import { SessionHarness, srsPlan } from '../helpers/session-harness.js';

const commandNames = (h: SessionHarness) => h.commands.map((c) => c.command);
const denials = (h: SessionHarness) => h.notices.filter((n) => n.kind === 'permit-denied');

function onBeam(plan = undefined as typeof srsPlan | undefined): SessionHarness {
  const h = new SessionHarness(plan);
  if (plan?.protocol === 'srs') h.room.motion = { inWindow: true, sinceMs: -10_000 };
  h.toReady();
  expect(h.state).toBe('ready');
  h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
  expect(h.state).toBe('beamOn');
  h.deliver(2);
  return h;
}

/** How each room-side interlock is broken during a session (permit-only ones cannot change mid-beam). */
const ROOM_BREAK: Partial<Record<InterlockId, (h: SessionHarness) => void>> = {
  'IL-DOOR-OPEN': (h) => (h.room.doorClosed = false),
  'IL-EMERGENCY-STOP': (h) => (h.room.emergencyStop = true),
  'IL-COUCH-NOT-IN-POSITION': (h) => (h.room.couch = { ...h.room.couch, lateralMm: h.room.couch.lateralMm + 0.8 }),
  'IL-COUCH-MOVING': (h) => (h.room.couchMoving = true),
  'IL-COUCH-FAULT': (h) => (h.room.couchFault = true),
  'IL-COUCH-MOTION': (h) => {
    h.room.couchMoving = true; // still moving: not resettable yet
    h.send({ type: 'COUCH_MOTION_FAULT', reason: 'stall' } as never);
  },
  'IL-MLC-NOT-IN-POSITION': (h) => (h.room.mlc = { ...h.room.mlc!, bankBMm: h.room.mlc!.bankBMm.map((v, i) => (i === 30 ? v - 1.5 : v)) }),
  'IL-MLC-FAULT': (h) => (h.room.mlcFault = true),
  'IL-MLC-STALE': (h) => (h.room.linkHeardAt.mlc = h.t),
  'IL-COUCH-STALE': (h) => (h.room.linkHeardAt.couch = h.t),
  'IL-BEAM-STALE': (h) => (h.room.linkHeardAt.beam = h.t),
  'IL-DOSE-CHANNELS-DISAGREE': (h) => (h.room.beam.mu2 = h.room.beam.mu1 + 0.7),
  'IL-BEAM-NOT-READY': (h) => (h.room.beam.segmentEndMu = h.room.beam.mu1), // linac lost its segment
  'IL-MOTION-OUT-OF-WINDOW': (h) => (h.room.motion = { inWindow: false, sinceMs: h.t }),
  'IL-MOTION-STALE': (h) => (h.room.motion = { ...h.room.motion!, lastSampleMs: h.t }),
  'IL-JOURNAL-UNAVAILABLE': (h) => (h.room.journalWritable = false),
  // the latched ones below also make the linac ignore stops, so RESET must wait for the beam to be off
  'IL-UNEXPECTED-BEAM': (h) => {
    h.room.linacIgnoresStops = true;
    h.send({ type: 'OPERATOR_HOLD', operator: 'rtt' } as never);
    h.t += 1001; // still on a second after the hold
  },
  'IL-MU-OVERRUN': (h) => {
    h.room.linacIgnoresStops = true;
    h.room.beam.mu1 = h.room.beam.mu2 = h.room.beam.segmentEndMu + 1.5; // tolerance 1 MU
  },
  'IL-BACKUP-TIMER': (h) => {
    h.room.linacIgnoresStops = true;
    h.t += 8_700; // beam 1: 60 MU at 600 MU/min = 6 s; × 1.1 + 2 s = 8.6 s
  },
  'IL-PRESET-MISMATCH': (h) => {
    h.room.linacIgnoresStops = true;
    h.room.beam.presetMu *= 10;
  },
};
const MOTION_IDS: InterlockId[] = ['IL-MOTION-OUT-OF-WINDOW', 'IL-MOTION-STALE'];

describe('treatment session statechart', () => {
  it('walks plan → registration → approval → couch → MLC → ready, moving the couch only after approval', () => {
    const h = new SessionHarness();
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    const p = h.pending();
    h.send({ type: 'REGISTRATION', pending: p } as never);
    expect(h.state).toBe('setup.awaitingApproval');
    expect(commandNames(h)).not.toContain('MOVE_COUCH');
    h.send({ type: 'APPROVE', registrationId: p.registration.id, operator: 'rtt', role: 'therapist' } as never);
    expect(commandNames(h)).toEqual(['MOVE_COUCH']);
    for (let i = 0; i < 20 && h.state !== 'ready'; i++) h.tick(20);
    expect(h.state).toBe('ready');
    expect(h.context.setupVerified).toBe(true);
    expect(commandNames(h)).toEqual(['MOVE_COUCH', 'ARM_BEAM', 'MOVE_MLC', 'SET_SEGMENT_END']);
  });

  it('waits the settle time before calling the couch verified', () => {
    const h = new SessionHarness();
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    const p = h.pending();
    h.send({ type: 'REGISTRATION', pending: p } as never);
    h.send({ type: 'APPROVE', registrationId: p.registration.id, operator: 'rtt', role: 'therapist' } as never);
    h.tick(10);
    h.tick(100);
    expect(h.state).toBe('setup.couchMoving'); // 100 ms still < 200 ms settle
    h.tick(120);
    expect(h.state).not.toBe('setup.couchMoving');
  });

  it('delivers every segment of both beams, moving the MLC only with the beam off, and completes the fraction', () => {
    const h = new SessionHarness();
    h.toReady();
    for (let beam = 0; beam < 2; beam++) {
      expect(h.state).toBe('ready');
      h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
      for (let i = 0; i < 500 && h.state !== 'ready' && h.state !== 'fractionComplete'; i++) {
        if (h.state === 'beamOn') h.deliver(1);
        else h.tick(20);
      }
    }
    expect(h.state).toBe('fractionComplete');
    // every MOVE_MLC after the first of a beam came while the linac had paused at a segment end
    const moves = h.commands.filter((c) => c.command === 'MOVE_MLC');
    expect(moves).toHaveLength(h.plan.beams.reduce((s, b) => s + b.segments.length, 0));
    expect(h.notices.filter((n) => n.kind === 'beam-delivered')).toHaveLength(2);
  });

  it.each([
    ['IL-DOOR-OPEN'],
    ['IL-COUCH-NOT-IN-POSITION'],
    ['IL-MLC-NOT-IN-POSITION'],
    ['IL-MLC-STALE'],
    ['IL-COUCH-STALE'],
    ['IL-BEAM-STALE'],
    ['IL-COUCH-MOVING'],
    ['IL-BEAM-NOT-READY'],
  ] as Array<[InterlockId]>)('refuses beam-on naming %s and stays ready', (id) => {
    const h = new SessionHarness();
    h.toReady();
    ROOM_BREAK[id]!(h);
    h.tick(id.endsWith('STALE') ? 200 : 20);
    h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    expect(h.state).toBe('ready');
    expect(commandNames(h)).not.toContain('BEAM_ON');
    expect(denials(h).at(-1)?.unmet).toContain(id);
  });

  it('never turns the beam on while setup is unverified: BEAM_ON before setup is journaled as unhandled', () => {
    const h = new SessionHarness();
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    expect(h.state).toBe('setup.awaitingRegistration');
    expect(commandNames(h)).not.toContain('BEAM_ON');
    expect(h.notices.at(-1)).toMatchObject({ kind: 'unhandled-event', event: 'BEAM_ON' });
  });

  const holdIds = INTERLOCK_IDS.filter((id) => INTERLOCKS[id].latch === 'hold');
  it.each(holdIds)('holds a running beam when %s goes unmet, and resumes only on operator RESUME after it clears', (id) => {
    const motion = MOTION_IDS.includes(id);
    const h = onBeam(motion ? srsPlan : undefined);
    const before = { ...h.room, couch: { ...h.room.couch }, mlc: h.room.mlc, beam: { ...h.room.beam }, linkHeardAt: {} };
    ROOM_BREAK[id]!(h);
    if (id.endsWith('STALE')) h.t += 200, h.send({ type: 'TICK' } as never);
    else h.tick(id === 'IL-MOTION-OUT-OF-WINDOW' ? 150 : 20); // beyond the 100 ms debounce
    expect(h.state).toBe('beamHold');
    expect(commandNames(h).at(-1)).toBe('HOLD_BEAM');
    expect(h.context.holdCauses).toContain(id);
    // clear the cause; the session must NOT resume on its own
    Object.assign(h.room, { doorClosed: before.doorClosed, couch: before.couch, couchMoving: false, mlc: before.mlc, linkHeardAt: {}, journalWritable: true });
    h.room.beam.segmentEndMu = before.beam.segmentEndMu;
    if (motion) h.room.motion = { inWindow: true, sinceMs: h.t }; // back inside: the dwell starts now
    for (let i = 0; i < (motion ? 60 : 10); i++) h.tick(20); // 1.2 s: past the 1 s dwell
    expect(h.state).toBe('beamHold');
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    if (id === 'IL-COUCH-MOVING') {
      // a couch that moved after verification voids the setup: no resume without a new one
      expect(h.state).toBe('beamHold');
      expect(denials(h).at(-1)?.unmet).toContain('IL-SETUP-NOT-VERIFIED');
    } else {
      expect(h.state).toBe('beamOn');
    }
  });

  it('refuses RESUME while the cause is still present, naming it', () => {
    const h = onBeam();
    h.room.doorClosed = false;
    h.tick();
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamHold');
    expect(denials(h).at(-1)?.unmet).toContain('IL-DOOR-OPEN');
  });

  it('holds on a silent link even when no evidence arrives at all (TICK)', () => {
    const h = onBeam();
    h.t += 151 + 1; // nothing heard for longer than staleAfterMs
    h.send({ type: 'TICK' } as never);
    expect(h.state).toBe('beamHold');
    expect(h.context.holdCauses).toEqual(expect.arrayContaining(['IL-MLC-STALE', 'IL-COUCH-STALE', 'IL-BEAM-STALE']));
  });

  const latchedIds = INTERLOCK_IDS.filter((id) => INTERLOCKS[id].latch === 'latched');
  it.each(latchedIds)('terminates and latches on %s; RESET works only once it has cleared', (id) => {
    const h = onBeam();
    ROOM_BREAK[id]!(h);
    h.tick();
    expect(h.state).toBe('fault');
    expect(commandNames(h)).toEqual(expect.arrayContaining(['TERMINATE_BEAM', 'STOP_MLC', 'STOP_COUCH']));
    expect(h.context.latchedFaults).toContain(id);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('fault');
    h.send({ type: 'RESET', operator: 'physicist' } as never);
    expect(h.state).toBe('fault');
    Object.assign(h.room, { emergencyStop: false, couchFault: false, mlcFault: false, couchMoving: false, linacIgnoresStops: false });
    h.room.beam.mu2 = h.room.beam.mu1;
    for (let i = 0; i < 10; i++) h.tick(); // the terminate is repeated until the linac obeys
    h.send({ type: 'RESET', operator: 'physicist' } as never);
    expect(h.state).toBe('aborted');
  });

  it('faults when the linac terminates the beam by itself (secondary channel, backup timer)', () => {
    const h = onBeam();
    h.room.beam.state = BeamState.Terminated;
    h.room.beam.termination = TerminationReason.SecondaryChannel;
    h.tick();
    expect(h.state).toBe('fault');
  });

  it('goes to hold when the linac holds on its own (its watchdog or door)', () => {
    const h = onBeam();
    h.room.beam.state = BeamState.Held;
    h.tick();
    expect(h.state).toBe('beamHold');
  });

  it('goes to hold when the beam-on command fails at the device', () => {
    const h = onBeam();
    h.send({ type: 'COMMAND_FAILED', command: 'BEAM_ON', error: 'NAK' } as never);
    expect(h.state).toBe('beamHold');
  });

  it('faults when a hold command fails: the beam cannot be trusted to be off', () => {
    const h = onBeam();
    h.send({ type: 'OPERATOR_HOLD', operator: 'rtt' } as never);
    h.send({ type: 'COMMAND_FAILED', command: 'HOLD_BEAM', error: 'timeout' } as never);
    expect(h.state).toBe('fault');
  });

  it('holds with the beam off at a segment boundary when an interlock is unmet, instead of continuing', () => {
    const h = onBeam();
    h.deliver(100); // finish segment 0: linac pauses, MLC moves to segment 1
    expect(h.state).toBe('mlcPositioning');
    h.room.doorClosed = false;
    h.tick();
    expect(h.state).toBe('beamHold');
    expect(commandNames(h).filter((c) => c === 'BEAM_ON')).toHaveLength(1);
  });
});

describe('approvals', () => {
  function awaiting(overrides = {}) {
    const h = new SessionHarness();
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    const p = h.pending(overrides);
    h.send({ type: 'REGISTRATION', pending: p } as never);
    return { h, p };
  }
  const refusal = (h: SessionHarness) => h.notices.filter((n) => n.kind === 'approval-refused').at(-1);

  it('refuses an approval naming another registration', () => {
    const { h } = awaiting();
    h.send({ type: 'APPROVE', registrationId: 'other', operator: 'rtt', role: 'therapist' } as never);
    expect(h.state).toBe('setup.awaitingApproval');
    expect(refusal(h)).toMatchObject({ registrationId: 'other' });
  });

  it('refuses an expired approval', () => {
    const { h, p } = awaiting();
    h.t += 60_001;
    h.send({ type: 'APPROVE', registrationId: p.registration.id, operator: 'rtt', role: 'therapist' } as never);
    expect(h.state).toBe('setup.awaitingApproval');
    expect(refusal(h)?.kind === 'approval-refused' && refusal(h)!.reason).toMatch(/limit 60000 ms/);
  });

  it('needs a physician for a correction that needs review, and never approves a re-setup', () => {
    const review = awaiting({ classification: { action: 'review', maxTranslationMm: 5, maxRotationDeg: 0, reasons: ['translation 5 mm > 3 mm'] } });
    review.h.send({ type: 'APPROVE', registrationId: review.p.registration.id, operator: 'rtt', role: 'therapist' } as never);
    expect(review.h.state).toBe('setup.awaitingApproval');
    review.h.send({ type: 'APPROVE', registrationId: review.p.registration.id, operator: 'dr', role: 'physician' } as never);
    expect(review.h.state).toBe('setup.couchMoving');
    const resetup = awaiting({ classification: { action: 're-setup', maxTranslationMm: 15, maxRotationDeg: 0, reasons: ['translation 15 mm > 10 mm'] } });
    resetup.h.send({ type: 'APPROVE', registrationId: resetup.p.registration.id, operator: 'dr', role: 'physician' } as never);
    expect(resetup.h.state).toBe('setup.awaitingApproval');
  });

  it('applies a correction once: a replayed approval does nothing', () => {
    const { h, p } = awaiting();
    h.send({ type: 'APPROVE', registrationId: p.registration.id, operator: 'rtt', role: 'therapist' } as never);
    h.send({ type: 'APPROVE', registrationId: p.registration.id, operator: 'rtt', role: 'therapist' } as never);
    expect(h.commands.filter((c) => c.command === 'MOVE_COUCH')).toHaveLength(1);
  });
});

describe('hold against a disobedient linac', () => {
  it('sends the hold again whenever the linac reports the beam on during a hold', () => {
    const h = onBeam();
    h.send({ type: 'OPERATOR_HOLD', operator: 'rtt' } as never);
    const holds = () => h.commands.filter((c) => c.command === 'HOLD_BEAM').length;
    expect(holds()).toBe(1);
    for (let i = 0; i < 2; i++) {
      h.room.beam.state = BeamState.BeamOn; // the hold did not take
      h.tick();
    }
    expect(h.state).toBe('beamHold');
    expect(holds()).toBe(3);
    h.tick(); // now the linac reports Held: no further holds
    expect(holds()).toBe(3);
  });
});

describe('measured beam state after beam-on', () => {
  it('ignores a Held status taken before the linac processed the beam-on (no spurious hold after RESUME)', () => {
    const h = onBeam();
    h.send({ type: 'OPERATOR_HOLD', operator: 'rtt' } as never);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamOn');
    h.room.beam.state = BeamState.Held; // a heartbeat from before BEAM_ON took effect
    h.tick();
    expect(h.state).toBe('beamOn');
    h.room.beam.state = BeamState.BeamOn;
    h.tick();
    h.room.beam.state = BeamState.Held; // now a real, linac-initiated hold
    h.tick();
    expect(h.state).toBe('beamHold');
  });

  it('holds when the linac never confirms the beam on', () => {
    const h = onBeam();
    h.send({ type: 'OPERATOR_HOLD', operator: 'rtt' } as never);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    h.room.beam.state = BeamState.Held; // the BEAM_ON was lost
    for (let i = 0; i < 60 && h.state === 'beamOn'; i++) h.tick(20);
    expect(h.state).toBe('beamHold');
    expect(h.context.holdCauses).toContain('IL-BEAM-NOT-READY');
  });
});

describe('couch motion and operator abort', () => {
  it('voids the setup verification when the couch moves after it: beam-on needs a new setup', () => {
    const h = new SessionHarness();
    h.toReady();
    h.room.couchMoving = true;
    h.tick();
    h.room.couchMoving = false;
    h.tick();
    h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    expect(h.state).toBe('ready');
    expect(denials(h).at(-1)?.unmet).toContain('IL-SETUP-NOT-VERIFIED');
  });

  it('latches a couch motion fault reported by the supervisor and stops the couch', () => {
    const h = new SessionHarness();
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    h.send({ type: 'COUCH_MOTION_FAULT', reason: 'drift' } as never);
    expect(h.state).toBe('fault');
    expect(h.context.latchedFaults).toContain('IL-COUCH-MOTION');
    expect(commandNames(h)).toContain('STOP_COUCH');
  });

  it('lets the operator abort from a hold, terminating the beam', () => {
    const h = onBeam();
    h.send({ type: 'OPERATOR_HOLD', operator: 'rtt' } as never);
    h.send({ type: 'ABORT', operator: 'rtt' } as never);
    expect(h.state).toBe('aborted');
    expect(commandNames(h).slice(-3)).toEqual(['TERMINATE_BEAM', 'STOP_MLC', 'STOP_COUCH']);
  });
});

describe('intrafraction monitoring (SRS protocol)', () => {
  const SAMPLE_MS = 50;

  it('holds within the debounce time plus one sample of the target leaving its window', () => {
    const h = onBeam(srsPlan);
    const leftAt = h.t;
    h.room.motion = { inWindow: false, sinceMs: leftAt };
    while (h.state === 'beamOn' && h.t - leftAt < 1000) h.tick(SAMPLE_MS); // a sample every 50 ms
    expect(h.state).toBe('beamHold');
    expect(h.t - leftAt).toBeLessThanOrEqual(100 + SAMPLE_MS);
    expect(h.context.holdCauses).toContain('IL-MOTION-OUT-OF-WINDOW');
  });

  it('rides through an excursion shorter than the debounce', () => {
    const h = onBeam(srsPlan);
    h.room.motion = { inWindow: false, sinceMs: h.t };
    h.tick(50);
    h.room.motion = { inWindow: true, sinceMs: h.t };
    h.tick(50);
    expect(h.state).toBe('beamOn');
  });

  it('holds when the stream goes silent', () => {
    const h = onBeam(srsPlan);
    h.room.motion = { ...h.room.motion!, lastSampleMs: h.t };
    h.t += 151;
    h.send({ type: 'TICK' } as never);
    expect(h.state).toBe('beamHold');
    expect(h.context.holdCauses).toContain('IL-MOTION-STALE');
  });

  it('resumes only after the target has dwelt inside the window and the operator acts', () => {
    const h = onBeam(srsPlan);
    h.room.motion = { inWindow: false, sinceMs: h.t };
    h.tick(150);
    expect(h.state).toBe('beamHold');
    h.room.motion = { inWindow: true, sinceMs: h.t };
    h.tick(500);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamHold'); // 0.5 s < 1 s dwell
    expect(denials(h).at(-1)?.unmet).toContain('IL-MOTION-OUT-OF-WINDOW');
    h.tick(520);
    expect(h.state).toBe('beamHold'); // dwell reached, but no operator action yet
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamOn');
  });

  it('refuses beam-on when the protocol requires monitoring and no stream is attached', () => {
    const h = new SessionHarness(srsPlan);
    h.toReady();
    h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    expect(h.state).toBe('ready');
    expect(denials(h).at(-1)?.unmet).toEqual(expect.arrayContaining(['IL-MOTION-STALE', 'IL-MOTION-OUT-OF-WINDOW']));
  });
});

describe('verification imaging and approval validity', () => {
  function approvedAndSettled(plan = srsPlan) {
    const h = new SessionHarness(plan);
    h.send({ type: 'LOAD_PLAN', plan } as never);
    const p = h.pending();
    h.send({ type: 'REGISTRATION', pending: p } as never);
    h.send({ type: 'APPROVE', registrationId: p.registration.id, operator: 'rtt', role: 'therapist' } as never);
    for (let i = 0; i < 20 && h.state === 'setup.couchMoving'; i++) h.tick(20);
    return h;
  }

  it('requires a verification image under SRS and goes on when its residual is inside tolerance', () => {
    const h = approvedAndSettled();
    expect(h.state).toBe('setup.awaitingVerification');
    expect(h.context.setupVerified).toBe(false);
    h.send({ type: 'REGISTRATION', pending: h.residual(0.4, 0.2) } as never);
    expect(h.context.setupVerified).toBe(true);
    expect(h.notices.find((n) => n.kind === 'verification')).toMatchObject({ passed: true });
  });

  it('turns a residual outside tolerance into a new correction that needs approval', () => {
    const h = approvedAndSettled();
    h.send({ type: 'REGISTRATION', pending: h.residual(1.6, 0.2) } as never); // SRS tolerance 1 mm
    expect(h.state).toBe('setup.awaitingApproval');
    expect(h.notices.find((n) => n.kind === 'verification')).toMatchObject({ passed: false, residualMm: 1.6 });
  });

  it('needs no verification for a small conventional correction, but does for a large one', () => {
    const small = approvedAndSettled(examplePlanConventional());
    expect(small.state).not.toBe('setup.awaitingVerification');
    const h = new SessionHarness();
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    const p = h.pending({ classification: { action: 'review', maxTranslationMm: 6, maxRotationDeg: 0.5, reasons: [] } });
    h.send({ type: 'REGISTRATION', pending: p } as never);
    h.send({ type: 'APPROVE', registrationId: p.registration.id, operator: 'dr', role: 'physician' } as never);
    for (let i = 0; i < 20 && h.state === 'setup.couchMoving'; i++) h.tick(20);
    expect(h.state).toBe('setup.awaitingVerification'); // 6 mm > 5 mm verify-above
  });

  it('voids a pending correction when the couch moves before approval: image again', () => {
    const h = new SessionHarness();
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    const p = h.pending();
    h.send({ type: 'REGISTRATION', pending: p } as never);
    h.room.couchMoving = true;
    h.tick();
    expect(h.state).toBe('setup.awaitingRegistration');
    h.send({ type: 'APPROVE', registrationId: p.registration.id, operator: 'rtt', role: 'therapist' } as never);
    expect(commandNames(h)).not.toContain('MOVE_COUCH');
    expect(h.notices.find((n) => n.kind === 'approval-voided')).toBeTruthy();
  });
});

function examplePlanConventional() {
  return { ...srsPlan, protocol: 'conventional' };
}

describe('device command failures outside beam-on', () => {
  it.each(['MOVE_MLC', 'SET_SEGMENT_END', 'ARM_BEAM'] as const)('faults when %s fails, with the reason', (command) => {
    const h = new SessionHarness();
    h.toReady();
    h.send({ type: 'COMMAND_FAILED', command, error: 'NAK 4' } as never);
    expect(h.state).toBe('fault');
    expect(h.context.faultReason).toBe(`${command} failed: NAK 4`);
    h.send({ type: 'RESET', operator: 'physicist' } as never);
    expect(h.state).toBe('aborted');
  });

  it('does not loop when the terminate itself fails in fault', () => {
    const h = onBeam();
    h.room.couchFault = true;
    h.tick();
    const n = h.commands.length;
    h.send({ type: 'COMMAND_FAILED', command: 'TERMINATE_BEAM', error: 'timeout' } as never);
    expect(h.state).toBe('fault');
    expect(h.commands.length).toBe(n);
  });
});
