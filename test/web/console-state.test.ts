import { describe, expect, it } from 'vitest';
import { applyMessage, beamStatusText, deliveredBeams, emptyModel, fmt, muFraction } from '../../web/console-state.js';

const snapshot = (over: Record<string, unknown> = {}) => ({
  stateVersion: 3,
  session: { state: 'ready', tags: [], beamIndex: 0, segmentIndex: 0 },
  interlocks: [],
  links: {},
  couch: { actual: null, target: null, pendingCorrection: null, limits: {} },
  mlc: { actualMm: null, expectedMm: null },
  beam: { mu1: 0, mu2: 0, plannedMu: 60, doseRateMuPerMin: 600, state: 'ARMED' },
  registrations: [],
  journalTail: [],
  ...over,
});

describe('console model', () => {
  it('takes a snapshot whole and marks every panel for redraw', () => {
    const m = emptyModel();
    const topics = applyMessage(m, { type: 'snapshot', stateVersion: 3, data: snapshot() });
    expect(m.stateVersion).toBe(3);
    expect(topics).toEqual(expect.arrayContaining(['session', 'interlocks', 'mlc', 'journal', 'identity']));
  });

  it('patches one part per update and marks only that topic', () => {
    const m = emptyModel();
    applyMessage(m, { type: 'snapshot', stateVersion: 3, data: snapshot() });
    const topics = applyMessage(m, { type: 'update', topic: 'journal', stateVersion: 4, data: [{ seq: 1, at: '', kind: 'x', summary: 'y' }] });
    expect(topics).toEqual(['journal']);
    expect(m.snapshot.journalTail).toHaveLength(1);
    expect(m.stateVersion).toBe(4);
  });

  it('never moves the state version backwards on a late message', () => {
    const m = emptyModel();
    applyMessage(m, { type: 'snapshot', stateVersion: 9, data: snapshot({ stateVersion: 9 }) });
    applyMessage(m, { type: 'update', topic: 'beam', stateVersion: 7, data: snapshot().beam });
    expect(m.stateVersion).toBe(9);
  });

  it('ignores updates before the first snapshot and unknown topics', () => {
    const m = emptyModel();
    expect(applyMessage(m, { type: 'update', topic: 'beam', stateVersion: 1, data: {} })).toEqual([]);
    applyMessage(m, { type: 'snapshot', stateVersion: 1, data: snapshot() });
    expect(applyMessage(m, { type: 'update', topic: 'nonsense', stateVersion: 2, data: {} })).toEqual([]);
  });

  it('records who is logged in from the hello', () => {
    const m = emptyModel();
    applyMessage(m, { type: 'hello', apiVersion: '1', user: 'ana', role: 'therapist' });
    expect([m.user, m.role]).toEqual(['ana', 'therapist']);
  });
});

describe('beam status line', () => {
  it('says "beam complete" once the fraction is complete', () => {
    expect(beamStatusText(snapshot({ session: { state: 'fractionComplete' } }))).toContain('beam complete');
  });

  it('says "beam complete" after a beam-delivered notice while the next beam is prepared', () => {
    const s = snapshot({ session: { state: 'mlcPositioning' }, journalTail: [{ seq: 5, at: '', kind: 'beam-delivered', summary: 'beam 1 delivered' }] });
    expect(beamStatusText(s)).toMatch(/beam complete: beam 1 delivered/);
  });

  it('does not say "beam complete" while the beam is on, held or faulted', () => {
    for (const state of ['beamOn', 'beamHold', 'fault', 'ready']) expect(beamStatusText(snapshot({ session: { state } }))).not.toContain('beam complete');
  });

  it('finds delivered beams in the journal tail by kind or summary', () => {
    expect(deliveredBeams([{ kind: 'notice', summary: 'beam-delivered beam 2' }, { kind: 'state', summary: 'ready' }])).toEqual(['2']);
  });
});

describe('MU progress', () => {
  it('is the delivered share of the planned MU, bounded to 0..1', () => {
    expect(muFraction(15, 60)).toBe(0.25);
    expect(muFraction(61, 60)).toBe(1);
    expect(muFraction(5, undefined)).toBeUndefined();
    expect(muFraction(5, 0)).toBeUndefined();
  });
});

describe('journal notices', () => {
  it('reads the beam id of a journaled beam-delivered notice from its JSON summary', () => {
    const tail = [{ seq: 9, at: '', kind: 'notice', summary: '{"type":"notice","kind":"beam-delivered","beamId":2,"irradiationMs":5400}' }];
    expect(deliveredBeams(tail)).toEqual(['2']);
  });
});

describe('number format', () => {
  it('shows a reading that rounds to zero without a minus sign, and a dash for no reading', () => {
    expect(fmt(-0.004, 2)).toBe('0.00');
    expect(fmt(-0.006, 2)).toBe('-0.01');
    expect(fmt(-0.4, 0)).toBe('0');
    expect(fmt(undefined, 1)).toBe('—');
    expect(fmt(Number.NaN, 1)).toBe('—');
  });
});
