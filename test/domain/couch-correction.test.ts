import { describe, expect, it } from 'vitest';
import { ZERO_POSE } from '../../src/core/pose.js';
import { couchTargetFor, tableTranslation } from '../../src/domain/couch/couch-correction.js';
import { fromAngles, matVec, toAngles } from '../../src/domain/couch/rotation.js';

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
  it('applies pitch before roll: +Yt goes to +Xt (roll first would leave it at +Zt)', () => {
    // pitch 90: (0,1,0) -> (0,0,1); then roll 90: (0,0,1) -> (1,0,0)
    close(matVec(fromAngles(90, 90, 0), [0, 1, 0]), [1, 0, 0]);
  });
  it('reads angles back from the matrix', () => {
    const a = toAngles(fromAngles(1.5, -2, 30));
    close([a.pitchDeg, a.rollDeg, a.yawDeg], [1.5, -2, 30]);
  });
});

describe('correction about the isocentre applied by a couch that pivots elsewhere', () => {
  it('adds (1 − R)(I − P): 3° pitch with the pivot 500 mm from the isocentre moves the table ≈ 26 mm', () => {
    // I = (0,0,0), P = (0,-500,0): lever I − P = (0, 500, 0).
    // R·lever = (0, 500·cos3°, 500·sin3°) = (0, 499.3148, 26.1680)
    // (1 − R)·lever = (0, 0.6852, −26.1680); t = 0, so Δ = (0, 0.6852, −26.1680) mm.
    const d = tableTranslation({ translationMm: [0, 0, 0], pitchDeg: 3, rollDeg: 0, yawDeg: 0 }, [0, 0, 0], [0, -500, 0]);
    close(d, [0, 500 - 500 * Math.cos((3 * Math.PI) / 180), -500 * Math.sin((3 * Math.PI) / 180)], 6);
    expect(d[2]).toBeCloseTo(-26.168, 3);
  });

  it('is a plain translation when the pivot is the isocentre', () => {
    close(tableTranslation({ translationMm: [1, 2, 3], pitchDeg: 2, rollDeg: -1, yawDeg: 1 }, [0, 0, 0], [0, 0, 0]), [1, 2, 3]);
  });

  it('puts the isocentre point where the registration said', () => {
    // A patient point x must end at R(x − I) + I + t; the couch does R(x − P) + P + Δ.
    const c = { translationMm: [2.4, -1.8, 1.1] as const, pitchDeg: 0.6, rollDeg: -0.4, yawDeg: 0.8 };
    const I = [0, 0, 0] as const;
    const P = [0, -500, -200] as const;
    const { target, translationMm } = couchTargetFor(ZERO_POSE, c, I, P);
    const R = fromAngles(c.pitchDeg, c.rollDeg, c.yawDeg);
    const x = [10, 20, -5] as const;
    const want = matVec(R, x).map((v, i) => v + c.translationMm[i]);
    const rp = matVec(R, [x[0] - P[0], x[1] - P[1], x[2] - P[2]]);
    const got = rp.map((v, i) => v + P[i] + translationMm[i]);
    close(got, want, 9);
    expect(target.pitchDeg).toBeCloseTo(0.6, 9);
  });
});
