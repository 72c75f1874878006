import { describe, expect, it } from 'vitest';
import type { InterlockId } from '../../src/interlock/interlock-catalogue.js';
import { PATIENT_ONLY_INTERLOCKS } from '../../src/interlock/qa-permit.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { SessionHarness, config } from '../helpers/session-harness.js';

const QA_BEAM = { beamId: 901, presetMu: 20, doseRateMuPerMin: 600 };
const commandNames = (h: SessionHarness) => h.commands.map((c) => c.command);

/** A room with every device reporting, in QA mode with a QA beam selected. */
function qaReady(): SessionHarness {
  const h = new SessionHarness();
  h.room.mlc = { bankAMm: Array(config.mlc.leafPairs).fill(-10), bankBMm: Array(config.mlc.leafPairs).fill(10) };
  h.tick();
  h.send({ type: 'ENTER_QA', operator: 'dr-qa', role: 'physicist' } as never);
  h.send({ type: 'QA_SELECT_BEAM', operator: 'dr-qa', beam: QA_BEAM } as never);
  h.tick();
  expect(h.state).toBe('qa.ready');
  return h;
}

function qaBeamOn(): SessionHarness {
  const h = qaReady();
  h.send({ type: 'BEAM_ON', operator: 'dr-qa' } as never);
  expect(h.state).toBe('qa.beamOn');
  h.deliver(2);
  return h;
}

/** Each safety interlock broken in the room, as the QA mode must still see it. */
const SAFETY_BREAK: Array<[InterlockId, (h: SessionHarness) => void]> = [
  ['IL-DOOR-OPEN', (h) => (h.room.doorClosed = false)],
  ['IL-EMERGENCY-STOP', (h) => (h.room.emergencyStop = true)],
  ['IL-MLC-STALE', (h) => (h.room.linkHeardAt.mlc = h.t)],
  ['IL-COUCH-STALE', (h) => (h.room.linkHeardAt.couch = h.t)],
  ['IL-BEAM-STALE', (h) => (h.room.linkHeardAt.beam = h.t)],
  ['IL-DOSE-CHANNELS-DISAGREE', (h) => (h.room.beam.mu2 = h.room.beam.mu1 + 0.7)],
  ['IL-COUCH-MOVING', (h) => (h.room.couchMoving = true)],
  ['IL-JOURNAL-UNAVAILABLE', (h) => (h.room.journalWritable = false)],
];

describe('QA mode', () => {
  it('is entered by a physicist from idle with no plan', () => {
    const h = new SessionHarness();
    h.send({ type: 'ENTER_QA', operator: 'dr-qa', role: 'physicist' } as never);
    expect(h.state).toBe('qa.idle');
    expect(h.context.qa?.operator).toBe('dr-qa');
  });

  it.each(['therapist', 'physician'] as const)('is refused to a %s, with a notice naming the role', (role) => {
    const h = new SessionHarness();
    h.send({ type: 'ENTER_QA', operator: 'someone', role } as never);
    expect(h.state).toBe('idle');
    expect(h.notices).toContainEqual(expect.objectContaining({ kind: 'qa-refused', reason: expect.stringContaining(role) }));
  });

  it('is refused while a patient plan is loaded', () => {
    const h = new SessionHarness();
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    h.send({ type: 'ENTER_QA', operator: 'dr-qa', role: 'physicist' } as never);
    expect(h.state).toBe('setup.awaitingRegistration');
    expect(h.context.qa).toBeUndefined();
  });

  it('does not load a patient plan while in QA mode', () => {
    const h = qaReady();
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    expect(h.state).toBe('qa.ready');
    expect(h.context.plan).toBeUndefined();
  });

  it('arms the linac with the QA beam and starts it only through the QA permit', () => {
    const h = qaReady();
    expect(commandNames(h)).toEqual(['ARM_BEAM', 'SET_SEGMENT_END']);
    expect(h.commands[0]).toMatchObject({ beamId: 901, presetMu: 20, doseRateMuPerMin: 600 });
    h.send({ type: 'BEAM_ON', operator: 'dr-qa' } as never);
    expect(h.state).toBe('qa.beamOn');
    expect(h.commands.at(-1)).toMatchObject({ command: 'BEAM_ON', beamId: 901, presetMu: 20 });
  });

  it('waives only the patient-setup interlocks', () => {
    expect([...PATIENT_ONLY_INTERLOCKS].sort()).toEqual(['IL-COUCH-NOT-IN-POSITION', 'IL-MLC-NOT-IN-POSITION', 'IL-MOTION-OUT-OF-WINDOW', 'IL-MOTION-STALE', 'IL-PLAN-NOT-LOADED', 'IL-SETUP-NOT-VERIFIED']);
  });

  it('refuses beam-on without a QA beam selected', () => {
    const h = new SessionHarness();
    h.send({ type: 'ENTER_QA', operator: 'dr-qa', role: 'physicist' } as never);
    h.tick();
    h.send({ type: 'BEAM_ON', operator: 'dr-qa' } as never);
    expect(h.state).toBe('qa.idle');
    expect(commandNames(h)).not.toContain('BEAM_ON');
  });

  it.each([
    ['a preset that is not a number', { ...QA_BEAM, presetMu: Number.NaN }],
    ['a negative preset', { ...QA_BEAM, presetMu: -5 }],
    ['an infinite dose rate', { ...QA_BEAM, doseRateMuPerMin: Number.POSITIVE_INFINITY }],
  ])('never starts a QA beam selected with %s', (_what, beam) => {
    const h = new SessionHarness();
    h.room.mlc = { bankAMm: Array(config.mlc.leafPairs).fill(-10), bankBMm: Array(config.mlc.leafPairs).fill(10) };
    h.tick();
    h.send({ type: 'ENTER_QA', operator: 'dr-qa', role: 'physicist' } as never);
    h.send({ type: 'QA_SELECT_BEAM', operator: 'dr-qa', beam } as never);
    h.tick();
    h.send({ type: 'BEAM_ON', operator: 'dr-qa' } as never);
    expect(h.state).not.toBe('qa.beamOn');
    expect(commandNames(h)).not.toContain('BEAM_ON');
  });

  it.each(SAFETY_BREAK)('vetoes a QA beam-on when %s is unmet', (id, brk) => {
    const h = qaReady();
    brk(h);
    h.tick(id.endsWith('STALE') ? 200 : 20);
    h.send({ type: 'BEAM_ON', operator: 'dr-qa' } as never);
    expect(h.state === 'qa.ready' || h.state === 'fault').toBe(true);
    expect(commandNames(h)).not.toContain('BEAM_ON');
    expect([...h.context.holdCauses, ...h.context.latchedFaults]).toContain(id);
  });

  it.each(SAFETY_BREAK)('holds a running QA beam when %s becomes unmet', (id, brk) => {
    const h = qaBeamOn();
    brk(h);
    h.tick(id.endsWith('STALE') ? 200 : 20);
    expect(['qa.beamHold', 'fault']).toContain(h.state);
    expect(commandNames(h).some((c) => c === 'HOLD_BEAM' || c === 'TERMINATE_BEAM')).toBe(true);
    expect([...h.context.holdCauses, ...h.context.latchedFaults]).toContain(id);
  });

  it('resumes a held QA beam only once the interlock is clear again', () => {
    const h = qaBeamOn();
    h.room.doorClosed = false;
    h.tick();
    expect(h.state).toBe('qa.beamHold');
    h.send({ type: 'RESUME', operator: 'dr-qa' } as never);
    expect(h.state).toBe('qa.beamHold');
    h.room.doorClosed = true;
    h.tick();
    h.send({ type: 'RESUME', operator: 'dr-qa' } as never);
    expect(h.state).toBe('qa.beamOn');
  });

  it('returns to QA idle when the QA beam has delivered its preset', () => {
    const h = qaBeamOn();
    h.deliver(QA_BEAM.presetMu);
    expect(h.room.beam.state).toBe(BeamState.Complete);
    expect(h.state).toBe('qa.idle');
    expect(h.notices).toContainEqual(expect.objectContaining({ kind: 'beam-delivered', beamId: 901 }));
  });

  it('cannot be left while the QA beam is on', () => {
    const h = qaBeamOn();
    h.send({ type: 'EXIT_QA', operator: 'dr-qa' } as never);
    expect(h.state).toBe('qa.beamOn');
  });

  it('leaves to idle, where no patient beam starts without a fresh plan load and setup', () => {
    const h = qaReady();
    h.send({ type: 'EXIT_QA', operator: 'dr-qa' } as never);
    expect(h.state).toBe('idle');
    expect(h.context.qa).toBeUndefined();
    expect(h.context.setupVerified).toBe(false);
    const before = h.commands.length;
    h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    expect(h.state).toBe('idle');
    expect(h.commands.length).toBe(before);
    h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    expect(h.state).toBe('setup.awaitingRegistration');
    h.tick();
    expect(h.state).toBe('setup.awaitingRegistration');
  });
});
