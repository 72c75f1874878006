/** Worked couch cases computed by test/fixtures/couch-cases/make_cases.py (numpy, from the physics; not from the bridge's code). */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Pose6 } from '../../src/core/pose.js';
import type { CorrectionFrame } from '../../src/domain/couch/couch-correction.js';

export interface CouchCase {
  readonly name: string;
  readonly couch: string;
  readonly frame: CorrectionFrame;
  readonly pose: number[];
  readonly correction: number[];
  readonly pivotAtPoseMm?: [number, number, number];
  readonly expected: { target: number[]; translationMm: number[]; residualDeg: { pitch: number; roll: number; yaw: number }; reachable: boolean; legLengthsMm?: number[] };
}
const file = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'couch-cases', 'cases.json');
export const couchCases = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  tolerance: { mm: number; deg: number };
  cases: CouchCase[];
  grading: Array<{ couch: string; protocol: string; correction: number[]; expected: { action: string; translation3dMm: number; rotation3dDeg: number } }>;
};
export const asPose = (v: number[]): Pose6 => ({ lateralMm: v[0], longitudinalMm: v[1], verticalMm: v[2], pitchDeg: v[3], rollDeg: v[4], yawDeg: v[5] });
const tol = couchCases.tolerance;

/** Compares a target (mm then deg) and the rest of a plan with a worked case, within 0.01 mm / 0.01°. */
export function expectMatchesCase(got: { target: Pose6 | number[]; translationMm: readonly number[]; residualDeg: { pitch: number; roll: number; yaw: number }; legLengthsMm?: readonly number[] }, c: CouchCase): void {
  const t = Array.isArray(got.target) ? got.target : [got.target.lateralMm, got.target.longitudinalMm, got.target.verticalMm, got.target.pitchDeg, got.target.rollDeg, got.target.yawDeg];
  c.expected.target.forEach((v, i) => expect(Math.abs(t[i] - v), `target[${i}] ${t[i]} vs ${v}`).toBeLessThanOrEqual(i < 3 ? tol.mm : tol.deg));
  c.expected.translationMm.forEach((v, i) => expect(Math.abs(got.translationMm[i] - v), `translation[${i}]`).toBeLessThanOrEqual(tol.mm));
  for (const k of ['pitch', 'roll', 'yaw'] as const) expect(Math.abs(got.residualDeg[k] - c.expected.residualDeg[k]), `residual ${k}`).toBeLessThanOrEqual(tol.deg);
  if (c.expected.legLengthsMm) c.expected.legLengthsMm.forEach((v, i) => expect(Math.abs(got.legLengthsMm![i] - v), `leg ${i + 1}`).toBeLessThanOrEqual(tol.mm));
}
