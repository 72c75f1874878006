import { describe, expect, it } from 'vitest';
import { ZERO_POSE } from '../../src/core/pose.js';
import { couchTargetFor } from '../../src/domain/couch/couch-correction.js';
import type { CouchGeometry } from '../../src/domain/couch/couch-kinematics.js';
import { fromAngles, matVec, rotationAngleDeg, toAngles } from '../../src/domain/couch/rotation.js';

const close = (a: readonly number[], b: readonly number[], digits = 9): void => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], digits));

describe('IEC 61217 table-top rotations', () => {
  it('positive pitch (about Xt) turns +Yt toward +Zt (right-hand rule)', () => {
    close(matVec(fromAngles(90, 0, 0), [0, 1, 0]), [0, 0, 1]);
  });
  it('positive roll (about Yt) turns +Zt toward +Xt', () => {
    close(matVec(fromAngles(0, 90, 0), [0, 0, 1]), [1, 0, 0]);
  });
  it('positive yaw (about Zt) turns +Xt toward +Yt', () => {
    close(matVec(fromAngles(0, 0, 90), [1, 0, 0]), [0, 1, 0]);
  });
  it('applies pitch before roll on moving axes (the IEC chain): +Xt goes to +Yt (fixed axes would give −Zt)', () => {
    // R = Rx(pitch)·Ry(roll): roll about the pitched Yt. Ry(90): (1,0,0) -> (0,0,−1); Rx(90): (0,0,−1) -> (0,1,0).
    // Fixed axes (Ry·Rx, the convention before issue 8): Rx(90) leaves +X, Ry(90) takes it to −Z.
    close(matVec(fromAngles(90, 90, 0), [1, 0, 0]), [0, 1, 0]);
  });
  it('turns the patient support (yaw) outermost: yaw 90 after pitch 90 takes +Yt to +Zf and +Xt to +Yf', () => {
    close(matVec(fromAngles(90, 0, 90), [0, 1, 0]), [0, 0, 1]);
    close(matVec(fromAngles(90, 0, 90), [1, 0, 0]), [0, 1, 0]);
  });
  it('reads angles back from the matrix', () => {
    const a = toAngles(fromAngles(1.5, -2, 30));
    close([a.pitchDeg, a.rollDeg, a.yawDeg], [1.5, -2, 30]);
    const b = toAngles(fromAngles(-40, 60, -150));
    close([b.pitchDeg, b.rollDeg, b.yawDeg], [-40, 60, -150]);
  });
  it('measures the whole rotation about its own axis: 0.4° pitch with 0.4° roll is 0.566°', () => {
    expect(rotationAngleDeg(fromAngles(0.4, 0.4, 0))).toBeCloseTo(Math.hypot(0.4, 0.4), 4);
    expect(rotationAngleDeg(fromAngles(0, 0, 1e-4))).toBeCloseTo(1e-4, 10); // small angles are not lost
  });
});

const pivotCouch = (pivotMm: readonly [number, number, number]): CouchGeometry => ({ kind: 'turntable', pivotMm: [...pivotMm] as [number, number, number], turns: { yaw: true, pitchRoll: true } });

describe('correction about the isocentre applied by a couch that pivots elsewhere', () => {
  it('adds (1 − R)(I − P): 3° pitch with the pivot 500 mm from the isocentre moves the table ≈ 26 mm', () => {
    // I = (0,0,0), P = (0,-500,0): lever I − P = (0, 500, 0).
    // R·lever = (0, 500·cos3°, 500·sin3°) = (0, 499.3148, 26.1680)
    // (1 − R)·lever = (0, 0.6852, −26.1680); t = 0, so Δ = (0, 0.6852, −26.1680) mm.
    const d = couchTargetFor(pivotCouch([0, -500, 0]), ZERO_POSE, { translationMm: [0, 0, 0], pitchDeg: 3, rollDeg: 0, yawDeg: 0, frame: 'room' }).translationMm;
    close(d, [0, 500 - 500 * Math.cos((3 * Math.PI) / 180), -500 * Math.sin((3 * Math.PI) / 180)], 6);
    expect(d[2]).toBeCloseTo(-26.168, 3);
  });

  it('is a plain translation when the pivot is the isocentre', () => {
    close(couchTargetFor(pivotCouch([0, 0, 0]), ZERO_POSE, { translationMm: [1, 2, 3], pitchDeg: 2, rollDeg: -1, yawDeg: 0, frame: 'room' }).translationMm, [1, 2, 3]);
  });

  it('reads a room translation onto the turned table axes when the correction also turns the couch', () => {
    // yaw 1°: the support turns, so the room's t is Rz(1°)ᵀ·t on the table's own axes
    const d = couchTargetFor(pivotCouch([0, 0, 0]), ZERO_POSE, { translationMm: [1, 2, 3], pitchDeg: 0, rollDeg: 0, yawDeg: 1, frame: 'room' }).translationMm;
    const c = Math.cos(Math.PI / 180);
    const s = Math.sin(Math.PI / 180);
    close(d, [c * 1 + s * 2, -s * 1 + c * 2, 3]);
  });

  it('turns yaw about the isocentre, not the table-top pivot: 1° needs no table travel (was 8.726 mm)', () => {
    close(couchTargetFor(pivotCouch([0, -500, -200]), ZERO_POSE, { translationMm: [0, 0, 0], pitchDeg: 0, rollDeg: 0, yawDeg: 1, frame: 'room' }).translationMm, [0, 0, 0]);
  });

  it('puts the isocentre point where the registration said', () => {
    // A patient point x must end at R(x − I) + I + t; the couch does R(x − P) + P + Δ.
    // with only pitch and roll (yaw 0) the turntable stays put and the couch does R(x − P) + P + Δ
    const c = { translationMm: [2.4, -1.8, 1.1] as const, pitchDeg: 0.6, rollDeg: -0.4, yawDeg: 0, frame: 'room' as const };
    const P = [0, -500, -200] as const;
    const { target, translationMm } = couchTargetFor(pivotCouch(P), ZERO_POSE, c);
    const R = fromAngles(c.pitchDeg, c.rollDeg, c.yawDeg);
    const x = [10, 20, -5] as const;
    const want = matVec(R, x).map((v, i) => v + c.translationMm[i]);
    const rp = matVec(R, [x[0] - P[0], x[1] - P[1], x[2] - P[2]]);
    const got = rp.map((v, i) => v + P[i] + translationMm[i]);
    close(got, want, 9);
    expect(target.pitchDeg).toBeCloseTo(0.6, 9);
  });
});
