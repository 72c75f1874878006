/**
 * The catalogue's declared action, latch and reset policy, checked against
 * the statechart for every interlock id: the condition is injected into a
 * scripted room in ready (veto) and in beamOn (hold = interruption, or
 * terminate + latch), then cleared, and the operator events are tried.
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { motionSettings, toleranceSet } from '../../src/bridge/bridge-session.js';
import { EVENT_LATCHES, INTERLOCKS, INTERLOCK_IDS, type InterlockId } from '../../src/interlock/interlock-catalogue.js';
import { segmentEndMu } from '../../src/interlock/session-guards.js';
import { sessionMachine } from '../../src/interlock/session-machine.js';
import type { SessionContext, SessionEmitted } from '../../src/interlock/session-types.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { config, SessionHarness, srsPlan } from '../helpers/session-harness.js';

type Inject = (h: SessionHarness) => void;

/** How each condition is produced in the room (or, where the room cannot produce it in ready, in the session's context). */
interface Scenario {
  readonly srs?: boolean;
  /** Breaks the condition in ready; absent when only a context patch can (readyContext). */
  readonly ready?: Inject;
  readonly readyContext?: (c: SessionContext) => Partial<SessionContext>;
  /** Breaks the condition while the beam is on (absent: it cannot change mid-beam). */
  readonly running?: Inject;
  /** Judged on a TICK after a silence rather than on evidence. */
  readonly silent?: boolean;
  /** Removes the cause. */
  readonly clear: Inject;
  /** After the cause clears, RESUME is still refused for this interlock. */
  readonly resumeRefusedFor?: InterlockId;
}

const outMlc: Inject = (h) => (h.room.mlc = { ...h.room.mlc!, bankBMm: h.room.mlc!.bankBMm.map((v, i) => (i === 30 ? v - 1.5 : v)) });
const SCENARIOS: Record<InterlockId, Scenario> = {
  'IL-PLAN-NOT-LOADED': { readyContext: () => ({ plan: undefined }), clear: () => undefined },
  'IL-SETUP-NOT-VERIFIED': {
    ready: (h) => {
      h.room.couchMoving = true;
      h.tick();
      h.room.couchMoving = false;
    },
    clear: (h) => (h.room.couchMoving = false),
  },
  'IL-BEAM-NOT-READY': { ready: (h) => (h.room.beam.segmentEndMu = h.room.beam.mu1), running: (h) => (h.room.beam.segmentEndMu = h.room.beam.mu1), clear: (h) => (h.room.beam.segmentEndMu = segmentEndMu(h.context)!) },
  'IL-DOOR-OPEN': { ready: (h) => (h.room.doorClosed = false), running: (h) => (h.room.doorClosed = false), clear: (h) => (h.room.doorClosed = true) },
  'IL-EMERGENCY-STOP': { ready: (h) => (h.room.emergencyStop = true), running: (h) => (h.room.emergencyStop = true), clear: (h) => (h.room.emergencyStop = false) },
  'IL-COUCH-NOT-IN-POSITION': {
    ready: (h) => (h.room.couch = { ...h.room.couch, lateralMm: h.room.couch.lateralMm + 0.8 }),
    running: (h) => (h.room.couch = { ...h.room.couch, lateralMm: h.room.couch.lateralMm + 0.8 }),
    clear: (h) => (h.room.couch = { ...h.room.couch, lateralMm: h.room.couch.lateralMm - 0.8 }),
  },
  'IL-COUCH-MOVING': { ready: (h) => (h.room.couchMoving = true), running: (h) => (h.room.couchMoving = true), clear: (h) => (h.room.couchMoving = false), resumeRefusedFor: 'IL-SETUP-NOT-VERIFIED' },
  'IL-COUCH-FAULT': { ready: (h) => (h.room.couchFault = true), running: (h) => (h.room.couchFault = true), clear: (h) => (h.room.couchFault = false) },
  'IL-COUCH-MOTION': {
    ready: (h) => ((h.room.couchMoving = true), h.send({ type: 'COUCH_MOTION_FAULT', reason: 'stall' } as never)),
    running: (h) => ((h.room.couchMoving = true), h.send({ type: 'COUCH_MOTION_FAULT', reason: 'stall' } as never)),
    clear: (h) => (h.room.couchMoving = false),
  },
  'IL-MLC-NOT-IN-POSITION': { ready: outMlc, running: outMlc, clear: (h) => (h.room.mlc = h.context.expectedLeaves) },
  'IL-MLC-FAULT': { ready: (h) => (h.room.mlcFault = true), running: (h) => (h.room.mlcFault = true), clear: (h) => (h.room.mlcFault = false) },
  'IL-MLC-STALE': { ready: (h) => (h.room.linkHeardAt.mlc = h.t), running: (h) => (h.room.linkHeardAt.mlc = h.t), silent: true, clear: (h) => (h.room.linkHeardAt = {}) },
  'IL-COUCH-STALE': { ready: (h) => (h.room.linkHeardAt.couch = h.t), running: (h) => (h.room.linkHeardAt.couch = h.t), silent: true, clear: (h) => (h.room.linkHeardAt = {}) },
  'IL-BEAM-STALE': { ready: (h) => (h.room.linkHeardAt.beam = h.t), running: (h) => (h.room.linkHeardAt.beam = h.t), silent: true, clear: (h) => (h.room.linkHeardAt = {}) },
  'IL-DOSE-CHANNELS-DISAGREE': { ready: (h) => (h.room.beam.mu2 = h.room.beam.mu1 + 0.7), running: (h) => (h.room.beam.mu2 = h.room.beam.mu1 + 0.7), clear: (h) => (h.room.beam.mu2 = h.room.beam.mu1) },
  'IL-MOTION-OUT-OF-WINDOW': {
    srs: true,
    ready: (h) => (h.room.motion = { inWindow: false, sinceMs: h.t }),
    running: (h) => (h.room.motion = { inWindow: false, sinceMs: h.t - 150 }), // beyond the 100 ms debounce
    clear: (h) => (h.room.motion = { inWindow: true, sinceMs: h.t - 1_100 }), // inside for longer than the 1 s dwell
  },
  'IL-MOTION-STALE': {
    srs: true,
    ready: (h) => (h.room.motion = { ...h.room.motion!, lastSampleMs: h.t }),
    running: (h) => (h.room.motion = { ...h.room.motion!, lastSampleMs: h.t }),
    silent: true,
    clear: (h) => (h.room.motion = { inWindow: true, sinceMs: -10_000 }),
  },
  'IL-LATCHED-FAULT': { readyContext: () => ({ latchedFaults: ['IL-MLC-FAULT'] }), clear: () => undefined },
  'IL-JOURNAL-UNAVAILABLE': { ready: (h) => (h.room.journalWritable = false), running: (h) => (h.room.journalWritable = false), clear: (h) => (h.room.journalWritable = true) },
  // the event faults below also make the linac ignore stops: RESET must wait for the readback to show the beam off
  'IL-UNEXPECTED-BEAM': {
    ready: (h) => ((h.room.linacIgnoresStops = true), (h.room.beam.state = BeamState.BeamOn)),
    running: (h) => {
      h.room.linacIgnoresStops = true;
      h.send({ type: 'OPERATOR_HOLD', operator: 'rtt' } as never);
      h.t += 1001; // still on a second after the hold
    },
    clear: () => undefined,
  },
  'IL-MU-OVERRUN': {
    ready: (h) => ((h.room.linacIgnoresStops = true), (h.room.beam.mu1 = h.room.beam.mu2 = h.room.beam.segmentEndMu + 1.5)),
    running: (h) => ((h.room.linacIgnoresStops = true), (h.room.beam.mu1 = h.room.beam.mu2 = h.room.beam.segmentEndMu + 1.5)), // tolerance 1 MU
    clear: () => undefined,
  },
  'IL-BACKUP-TIMER': {
    // no beam time is counted before the first BEAM_ON: only a context with time already spent can show the veto
    readyContext: (c) => ({ irradiationMs: c.irradiationMs + 3_600_000 }),
    running: (h) => ((h.room.linacIgnoresStops = true), (h.t += 8_700)), // beam 1: 60 MU at 600 MU/min = 6 s; × 1.1 + 2 s = 8.6 s
    clear: () => undefined,
  },
  'IL-PRESET-MISMATCH': {
    ready: (h) => ((h.room.linacIgnoresStops = true), (h.room.beam.presetMu *= 10)),
    running: (h) => ((h.room.linacIgnoresStops = true), (h.room.beam.presetMu *= 10)),
    clear: () => undefined,
  },
};

const names = (cs: readonly SessionEmitted[]) => cs.filter((c) => c.type === 'command').map((c) => c.command);
const lastDenial = (h: SessionHarness) => h.notices.filter((n) => n.kind === 'permit-denied').at(-1);

function harness(id: InterlockId): SessionHarness {
  const h = new SessionHarness(SCENARIOS[id].srs ? srsPlan : undefined);
  if (SCENARIOS[id].srs) h.room.motion = { inWindow: true, sinceMs: -10_000 };
  h.toReady();
  expect(h.state).toBe('ready');
  return h;
}

function onBeam(id: InterlockId): SessionHarness {
  const h = harness(id);
  h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
  h.deliver(2);
  expect(h.state).toBe('beamOn');
  return h;
}

/** Lets the scripted time pass so the injected condition is judged (a silence needs no evidence: TICK). */
function judge(h: SessionHarness, s: Scenario): void {
  if (s.silent) {
    h.t += 200;
    h.send({ type: 'TICK' } as never);
  } else {
    h.tick();
  }
}

/** A session restored in ready with its context patched, answering BEAM_ON. */
function readyWithContext(h: SessionHarness, patch: Partial<SessionContext>) {
  const emitted: SessionEmitted[] = [];
  const actor = createActor(sessionMachine, {
    snapshot: sessionMachine.resolveState({ value: 'ready', context: { ...h.context, ...patch } }),
    input: { mlcModel: config.mlc, actionLevels: config.bridge.actionLevels, motionSettings: motionSettings(config), tolerances: toleranceSet(config), settleMs: 200, approvalTtlMs: 60_000, evidence: h.context.evidence },
  });
  actor.on('*', (e) => emitted.push(e as SessionEmitted));
  actor.start();
  actor.send({ type: 'BEAM_ON', operator: 'rtt', atMs: h.t });
  return { snapshot: actor.getSnapshot(), emitted };
}

describe('the interlock catalogue matches what the session does', () => {
  it('declares a release rule for every latched interlock and for no other', () => {
    for (const id of INTERLOCK_IDS) expect(INTERLOCKS[id].clearedBy !== undefined, id).toBe(INTERLOCKS[id].latch === 'latched');
    expect(EVENT_LATCHES).toEqual(['IL-UNEXPECTED-BEAM', 'IL-MU-OVERRUN', 'IL-BACKUP-TIMER', 'IL-PRESET-MISMATCH']);
  });

  it.each(INTERLOCK_IDS)('%s: in ready the condition vetoes beam-on as declared', (id) => {
    const s = SCENARIOS[id];
    const h = harness(id);
    if (!s.ready) {
      const r = readyWithContext(h, s.readyContext!(h.context));
      expect(r.snapshot.value).toBe('ready');
      expect(names(r.emitted)).not.toContain('BEAM_ON');
      expect(r.emitted.find((n) => n.type === 'notice' && n.kind === 'permit-denied')).toMatchObject({ unmet: expect.arrayContaining([id]) });
      return;
    }
    s.ready(h);
    judge(h, s);
    h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    expect(names(h.commands)).not.toContain('BEAM_ON');
    if (INTERLOCKS[id].latch === 'latched') {
      // a latched condition does not wait for BEAM_ON: the evidence alone terminates and latches
      expect(h.state).toBe('fault');
      expect(h.context.latchedFaults).toContain(id);
      expect(names(h.commands)).toEqual(expect.arrayContaining(['TERMINATE_BEAM', 'STOP_MLC', 'STOP_COUCH']));
    } else {
      expect(h.state).toBe('ready');
      expect(lastDenial(h)?.unmet).toContain(id);
    }
  });

  const holds = INTERLOCK_IDS.filter((id) => INTERLOCKS[id].latch === 'hold');
  it.each(holds)('%s: a running beam is held (an interruption, no terminate) and resumes only on RESUME once clear', (id) => {
    const s = SCENARIOS[id];
    const h = onBeam(id);
    s.running!(h);
    judge(h, s);
    expect(h.state).toBe('beamHold');
    expect(names(h.commands).at(-1)).toBe('HOLD_BEAM');
    expect(names(h.commands)).not.toContain('TERMINATE_BEAM');
    expect(h.context.holdCauses).toContain(id);
    expect(h.context.latchedFaults).toEqual([]);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamHold');
    expect(lastDenial(h)?.unmet).toContain(id);
    s.clear(h);
    for (let i = 0; i < 5; i++) h.tick();
    expect(h.state).toBe('beamHold'); // nothing resumes by itself
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    if (s.resumeRefusedFor) {
      expect(h.state).toBe('beamHold');
      expect(lastDenial(h)?.unmet).toContain(s.resumeRefusedFor);
    } else {
      expect(h.state).toBe('beamOn');
    }
  });

  const latches = INTERLOCK_IDS.filter((id) => INTERLOCKS[id].latch === 'latched');
  it.each(latches)('%s: a running beam is terminated and the fault latched; RESET follows the declared release rule and never restarts the beam', (id) => {
    const s = SCENARIOS[id];
    const h = onBeam(id);
    s.running!(h);
    h.tick();
    expect(h.state).toBe('fault');
    expect(names(h.commands)).toEqual(expect.arrayContaining(['TERMINATE_BEAM', 'STOP_MLC', 'STOP_COUCH']));
    expect(h.context.latchedFaults).toContain(id);
    const beamOns = names(h.commands).filter((c) => c === 'BEAM_ON').length;
    for (const type of ['RESUME', 'BEAM_ON', 'RESET']) h.send({ type, operator: 'rtt' } as never);
    expect(h.state).toBe('fault'); // the linac ignores stops: the beam is not off yet
    h.room.linacIgnoresStops = false;
    if (id === 'IL-COUCH-MOTION') h.room.couchMoving = true; // the couch keeps moving: the condition stands
    for (let i = 0; i < 10; i++) h.tick(); // the terminate is repeated until the linac obeys
    expect(h.room.beam.state).not.toBe(BeamState.BeamOn);
    h.send({ type: 'RESET', operator: 'physicist' } as never);
    if (INTERLOCKS[id].clearedBy === 'condition') {
      expect(h.state).toBe('fault'); // the beam is off, but the condition stands
      s.clear(h);
      h.tick();
      h.send({ type: 'RESET', operator: 'physicist' } as never);
    }
    expect(h.state).toBe('aborted');
    expect(names(h.commands).filter((c) => c === 'BEAM_ON')).toHaveLength(beamOns);
  });

  it('IL-SETUP-NOT-VERIFIED (permit): does not itself hold a running beam, but refuses RESUME', () => {
    const h = onBeam('IL-SETUP-NOT-VERIFIED');
    h.room.couchMoving = true;
    h.tick();
    expect(h.state).toBe('beamHold');
    expect(h.context.holdCauses).not.toContain('IL-SETUP-NOT-VERIFIED');
    h.room.couchMoving = false;
    h.tick();
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(lastDenial(h)?.unmet).toContain('IL-SETUP-NOT-VERIFIED');
  });
});
