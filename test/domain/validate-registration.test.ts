import { describe, expect, it } from 'vitest';
import { validateRegistration } from '../../src/domain/registration/validate-registration.js';
import { classifyCorrection } from '../../src/domain/registration/classify-correction.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const ctx = { identity: { patientId: 'P1', planId: 'PLAN', fraction: 3 }, nowEpochMs: NOW, maxAgeMs: 600_000 };
const good = () => ({
  id: 'r1', patientId: 'P1', planId: 'PLAN', fraction: 3, imageSeries: 'CBCT-3', acquiredAt: '2026-11-23T09:58:00Z', registeredAt: '2026-11-23T09:59:00Z',
  method: 'bony', roiName: 'PTV', correction: { lateral: 1.2, longitudinal: -0.5, vertical: 0.3, pitch: 0.4, roll: -0.2, yaw: 0.1 },
  units: { translation: 'mm', rotation: 'deg' }, quality: 0.9, source: 'test',
});

describe('registration validation', () => {
  it('accepts a well-formed result for this session', () => {
    const r = validateRegistration(good(), ctx);
    expect(r.ok && r.value.correction).toEqual({ lateralMm: 1.2, longitudinalMm: -0.5, verticalMm: 0.3, pitchDeg: 0.4, rollDeg: -0.2, yawDeg: 0.1 });
  });

  const cases: Array<[string, (m: any) => void, string, string]> = [
    ['a wrong patient', (m) => (m.patientId = 'P2'), 'PATIENT_MISMATCH', 'registration.patientId'],
    ['a wrong fraction', (m) => (m.fraction = 4), 'PATIENT_MISMATCH', 'registration.fraction'],
    ['NaN in the correction', (m) => (m.correction.vertical = Number.NaN), 'REG_INVALID', 'registration.correction.vertical'],
    ['a missing axis', (m) => delete m.correction.yaw, 'REG_INVALID', 'registration.correction.yaw'],
    ['translation in cm', (m) => (m.units.translation = 'cm'), 'REG_INVALID', 'registration.units.translation'],
    ['rotation in gradians', (m) => (m.units.rotation = 'grad'), 'REG_INVALID', 'registration.units.rotation'],
    ['degrees labelled as radians', (m) => ((m.units.rotation = 'rad'), Object.assign(m.correction, { pitch: 0.001, roll: 2, yaw: 0.001 })), 'REG_INVALID', 'registration.correction.roll'],
    ['an implausible shift', (m) => (m.correction.lateral = 250), 'LIMIT_EXCEEDED', 'registration.correction.lateral'],
    ['an image older than the limit', (m) => (m.acquiredAt = '2026-11-23T09:00:00Z'), 'REG_STALE', 'registration.acquiredAt'],
    ['an unknown method', (m) => (m.method = 'guess'), 'REG_INVALID', 'registration.method'],
    ['a bad time', (m) => (m.acquiredAt = 'yesterday'), 'REG_INVALID', 'registration.acquiredAt'],
    ['a path in planId', (m) => (m.planId = '../PLAN'), 'REG_INVALID', 'registration.planId'],
    ['a newline in patientId (a forged console line)', (m) => (m.patientId = 'P1\nregistration accepted'), 'REG_INVALID', 'registration.patientId'],
    ['a control character in roiName', (m) => (m.roiName = 'PTV\u001b[2J'), 'REG_INVALID', 'registration.roiName'],
  ];
  it.each(cases)('rejects %s, naming the field', (_name, mutate, code, field) => {
    const m = good();
    mutate(m);
    const r = validateRegistration(m, ctx);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ code, field });
  });

  it('converts rotations given in radians', () => {
    const m = good();
    m.units.rotation = 'rad';
    Object.assign(m.correction, { pitch: 0.01, roll: 0, yaw: 0 });
    const r = validateRegistration(m, ctx);
    expect(r.ok && r.value.correction.pitchDeg).toBeCloseTo(0.5729578, 6);
  });

  it('rejects an image acquired before the couch last moved', () => {
    const r = validateRegistration(good(), { ...ctx, lastCouchMoveEpochMs: Date.parse('2026-11-23T09:59:30Z') });
    expect(!r.ok && r.error).toMatchObject({ code: 'REG_STALE', field: 'registration.acquiredAt' });
  });

  it('rejects something that is not an object', () => {
    expect(validateRegistration('hello', ctx).ok).toBe(false);
    expect(validateRegistration(null, ctx).ok).toBe(false);
  });
});

describe('action levels', () => {
  const conventional = { applyMaxMm: 3, applyMaxDeg: 1, reviewMaxMm: 10, reviewMaxDeg: 3 };
  const noAction = { translationMm: 0.5, rotationDeg: 0.2 };
  const pose = (t: number, r: number) => ({ lateralMm: t, longitudinalMm: 0, verticalMm: 0, pitchDeg: r, rollDeg: 0, yawDeg: 0 });
  it.each([
    [0.3, 0.1, 'none'],
    [2.9, 0.9, 'apply'],
    [3.1, 0.5, 'review'],
    [1, 1.5, 'review'],
    [12, 0, 're-setup'],
    [1, 4, 're-setup'],
  ])('classifies %f mm / %f° as %s', (t, r, want) => {
    expect(classifyCorrection(pose(t, r), conventional, noAction).action).toBe(want);
  });

  const srs = { applyMaxMm: 1, applyMaxDeg: 0.5, reviewMaxMm: 3, reviewMaxDeg: 1 };
  it('grades the 3D length, not the largest axis: an SRS shift (0.9, 0.9, 0.9) mm is 1.56 mm and needs review', () => {
    const k = classifyCorrection({ lateralMm: 0.9, longitudinalMm: 0.9, verticalMm: 0.9, pitchDeg: 0, rollDeg: 0, yawDeg: 0 }, srs, noAction);
    expect(k.translation3dMm).toBeCloseTo(0.9 * Math.sqrt(3), 9);
    expect(k.maxTranslationMm).toBe(0.9);
    expect(k.action).toBe('review');
  });

  it('grades the whole rotation: SRS pitch 0.4° with roll 0.4° is a 0.566° rotation and needs review', () => {
    const k = classifyCorrection({ lateralMm: 0, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0.4, rollDeg: 0.4, yawDeg: 0 }, srs, noAction);
    expect(k.rotation3dDeg).toBeCloseTo(0.5657, 3);
    expect(k.action).toBe('review');
  });

  it('does not push a value exactly at a level over it', () => {
    expect(classifyCorrection(pose(0, 3), conventional, noAction).action).toBe('review');
    expect(classifyCorrection(pose(3, 0), conventional, noAction).action).toBe('apply');
  });
});

describe('the correction frame on the wire', () => {
  it.each(['room', 'tableTop'] as const)('keeps a declared frame %s', (frame) => {
    const r = validateRegistration({ ...good(), frame }, ctx);
    expect(r.ok && r.value.frame).toBe(frame);
  });
  it('leaves an undeclared frame undeclared (the couch plan refuses it while the couch is turned)', () => {
    const r = validateRegistration(good(), ctx);
    expect(r.ok && r.value.frame).toBeUndefined();
  });
  it('rejects an unknown frame naming registration.frame', () => {
    const r = validateRegistration({ ...good(), frame: 'gantry' }, ctx);
    expect(!r.ok && r.error).toMatchObject({ code: 'REG_INVALID', field: 'registration.frame', limit: 'room | tableTop' });
  });
});
