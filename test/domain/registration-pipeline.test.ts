import { map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { checkAge, checkIdentity, dropReplays, rejectOutOfOrder, validateShape, type Candidate, type Verdict } from '../../src/domain/registration/registration-pipeline.js';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const msg = (id: string, registeredAtMs = T0, over: Record<string, unknown> = {}) => ({
  id, patientId: 'P1', planId: 'PLAN', fraction: 1, imageSeries: 'S', acquiredAt: new Date(T0 - 1000).toISOString(), registeredAt: new Date(registeredAtMs).toISOString(), method: 'bony', roiName: 'PTV',
  correction: { lateral: 1, longitudinal: 0, vertical: 0, pitch: 0, roll: 0, yaw: 0 }, units: { translation: 'mm', rotation: 'deg' }, quality: 0.9, source: 'x', ...over,
});
const ctx = () => ({ identity: { patientId: 'P1', planId: 'PLAN', fraction: 1 }, nowEpochMs: T0, maxAgeMs: 60_000, maxClockSkewMs: 1_000 });
const summary = (v: Verdict) => (v.ok ? `ok:${v.registration.id}` : `no:${v.error.code}`);

/** Runs `pipe` over cold marbles of raw messages; asserts the verdict summaries arrive on the same frames. */
function expectVerdicts(values: Record<string, unknown>, marbles: string, pipe: (s: Observable<Candidate>) => Observable<Verdict>, expected: Record<string, string>): void {
  new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
    const src = cold<Candidate>(marbles, Object.fromEntries(Object.entries(values).map(([k, raw]) => [k, { raw, source: 't' }])));
    expectObservable(pipe(src).pipe(map(summary))).toBe(marbles, expected);
  });
}

describe('registration pipeline operators (marble tests)', () => {
  it('validateShape passes a good message and rejects a malformed one without ending the stream', () => {
    expectVerdicts({ a: msg('a'), b: { nope: 1 }, c: msg('c') }, 'a-b-c|', (s) => s.pipe(validateShape()), { a: 'ok:a', b: 'no:REG_INVALID', c: 'ok:c' });
  });

  it('checkIdentity turns another patient into PATIENT_MISMATCH and leaves earlier rejections alone', () => {
    expectVerdicts({ a: msg('a', T0, { patientId: 'P9' }), b: { bad: true }, c: msg('c') }, 'a-b-c|', (s) => s.pipe(validateShape(), checkIdentity(ctx)), { a: 'no:PATIENT_MISMATCH', b: 'no:REG_INVALID', c: 'ok:c' });
  });

  it('checkAge rejects an old image', () => {
    expectVerdicts({ a: msg('a', T0, { acquiredAt: new Date(T0 - 120_000).toISOString() }), b: msg('b') }, 'a-b|', (s) => s.pipe(validateShape(), checkAge(ctx)), { a: 'no:REG_STALE', b: 'ok:b' });
  });

  it('dropReplays rejects the second copy of an id', () => {
    new TestScheduler((x, y) => expect(x).toEqual(y)).run(({ cold, expectObservable }) => {
      const src = cold<Candidate>('a-b-c|', { a: { raw: msg('a'), source: 't' }, b: { raw: msg('b'), source: 't' }, c: { raw: msg('a'), source: 't' } });
      expectObservable(src.pipe(validateShape(), dropReplays(), map(summary))).toBe('a-b-c|', { a: 'ok:a', b: 'ok:b', c: 'no:REG_INVALID' });
    });
  });

  it('rejectOutOfOrder rejects a result registered before the newest accepted one', () => {
    expectVerdicts({ a: msg('a', T0), b: msg('b', T0 - 5000), c: msg('c', T0 + 5000) }, 'a-b-c|', (s) => s.pipe(validateShape(), rejectOutOfOrder()), { a: 'ok:a', b: 'no:REG_STALE', c: 'ok:c' });
  });
});
