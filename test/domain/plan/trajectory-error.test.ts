/**
 * The leaf error of an MLC readback against a dynamic trajectory at the measured MU,
 * pinned by test/fixtures/dynamic/trajectory_error.py (numpy, written separately).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { muAt, trajectoryError } from '../../../src/domain/plan/trajectory-error.js';
import type { TrajectoryPoint } from '../../../src/protocol/mlc-protocol.js';

const ref = JSON.parse(fs.readFileSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/dynamic/trajectory_error.json'), 'utf8'));
const refPoints: TrajectoryPoint[] = ref.weights.map((w: number, k: number) => ({ metersetWeight: w, positions: { bankAMm: ref.bankAMm[k], bankBMm: ref.bankBMm[k] } }));
const samples = ref.beam.map(([atMs, mu]: [number, number]) => ({ atMs, mu }));

describe('trajectoryError (against trajectory_error.py)', () => {
  type Readback = { atMs: number; requestedAtMs: number; bankAMm: number[]; bankBMm: number[] };
  it.each((ref.mlc as Readback[]).map((m, k): [number, Readback] => [k, m]))('judges MLC readback %i over the MU window of its two round trips, worst leaf named', (k, mlc) => {
    const want = ref.expected[k];
    const muLo = muAt(samples, mlc.atMs - (mlc.atMs - mlc.requestedAtMs));
    const muHi = muAt(samples, mlc.atMs + ref.rB);
    expect([muLo, muHi]).toEqual([expect.closeTo(want.muWindow[0], 9), expect.closeTo(want.muWindow[1], 9)]);
    const e = trajectoryError(refPoints, ref.beamMu, muLo, muHi, { bankAMm: mlc.bankAMm, bankBMm: mlc.bankBMm });
    expect(e.maxErrorMm).toBeCloseTo(want.maxErrorMm, 9);
    expect([e.bank, e.pair]).toEqual([want.bank, want.pair]);
    expect(e.expectedMm[0]).toBeCloseTo(want.expectedMm[0], 9);
    expect(e.expectedMm[1]).toBeCloseTo(want.expectedMm[1], 9);
  });

  it('counts a leaf inside the range its plan covers over the window as no error (a leaf turning at a control point inside it)', () => {
    // pair 1 bank A rises to 30 mm at control point 1 (20 MU) and falls after: the window 19.9…20.25 MU reaches 30 mm
    const e = trajectoryError(refPoints, ref.beamMu, 19.9, 20.25, { bankAMm: [30.1, 30], bankBMm: [10.1, 15.1] });
    expect(e.maxErrorMm).toBe(0);
  });

  it('clamps the MU before the first and after the last beam readback', () => {
    expect(muAt(samples, 0)).toBe(0);
    expect(muAt(samples, 99_999)).toBe(25);
    expect(muAt([], 5)).toBe(0);
  });

  it('takes a missing or non-finite leaf readback as an infinite error', () => {
    const e = trajectoryError(refPoints, ref.beamMu, 0, 0, { bankAMm: [10, Number.NaN], bankBMm: [0, 15] });
    expect(e.maxErrorMm).toBe(Number.POSITIVE_INFINITY);
    expect([e.bank, e.pair]).toEqual(['A', 1]);
  });
});
