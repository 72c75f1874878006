import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_DIR, readValidated } from '../../src/config/load-config.js';
import { CouchModelSchema, type CouchModel } from '../../src/config/couch-model.js';
import { ZERO_POSE, type Pose6 } from '../../src/core/pose.js';
import { rotationTravel, wrap180, wrap360 } from '../../src/domain/couch/angles.js';
import { hexapodGeometry } from '../../src/domain/couch/couch-limits.js';
import { legLengthsMm } from '../../src/domain/couch/hexapod.js';
import { planCorrection, planCorrectionFromPose } from '../../src/domain/couch/plan-correction.js';
import { fromAngles, matVec, type Vec3 } from '../../src/domain/couch/rotation.js';
import { CouchCommand, CouchReg, encodePose } from '../../src/protocol/couch-register-map.js';
import { CouchDevice } from '../../simulators/couch-device.js';

const model = (id: string): CouchModel => readValidated(path.join(DEFAULT_CONFIG_DIR, 'couch', `${id}.json`), CouchModelSchema);
const levels = { applyMaxMm: 3, applyMaxDeg: 1, reviewMaxMm: 10, reviewMaxDeg: 3 };
const pose = (p: Partial<Pose6>): Pose6 => ({ ...ZERO_POSE, ...p });

describe('angles wrap and rotations carry a direction', () => {
  it.each([
    [-10, 350], [360, 0], [720.5, 0.5], [-360, 0], [359.999, 359.999],
  ])('wrap360(%f) = %f', (a, want) => expect(wrap360(a)).toBeCloseTo(want, 9));

  it.each([
    [190, -170], [180, 180], [-180, 180], [-190, 170], [540, 180],
  ])('wrap180(%f) = %f', (a, want) => expect(wrap180(a)).toBeCloseTo(want, 9));

  it('turns the way it is told, never the short way by assumption', () => {
    expect(rotationTravel(170, 160, 'CC')).toBe(-10);
    expect(rotationTravel(170, 160, 'CW')).toBe(350); // the long way, as commanded
    expect(rotationTravel(350, 10, 'CW')).toBe(20); // across 0/360
    expect(rotationTravel(10, 350, 'CC')).toBe(-20);
    expect(rotationTravel(10, 350, 'CW')).toBe(340);
    expect(rotationTravel(-179, 179, 'CC')).toBe(-2); // across ±180
    expect(() => rotationTravel(10, 20, 'NONE')).toThrow(/needs a direction/);
    expect(rotationTravel(10, 370, 'NONE')).toBe(0);
  });
});

describe('hexapod inverse kinematics', () => {
  const hexapod = model('hexapod-6dof');
  const g = hexapodGeometry(hexapod)!;

  it('gives the hand-computed leg length at home', () => {
    // base joint 1 at −10° on r = 300: (295.44, −52.09, 0);
    // platform joint 1 at 310° on r = 200: (128.56, −153.21, 0), raised by h = 350.
    // d = (−166.88, −101.12, 350); |d| = √(27 849 + 10 225 + 122 500) = √160 574 = 400.72 mm
    const legs = legLengthsMm(g, { translationMm: [0, 0, 0], pitchDeg: 0, rollDeg: 0, yawDeg: 0 });
    expect(legs[0]).toBeCloseTo(400.72, 2);
    for (const l of legs) expect(l).toBeCloseTo(legs[0], 9); // symmetric
  });

  it('rejects a pose inside every axis range whose legs would leave their stroke', () => {
    // vertical +40 mm is the edge of the vertical range, but every leg becomes
    // √(27 849 + 10 225 + 390²) = √190 174 = 436.09 mm > 435 mm stroke.
    const p = planCorrection(ZERO_POSE, pose({ verticalMm: 40 }), 'room', hexapod, levels);
    expect(p.classification).toBe('reject');
    expect(p.errors[0]).toMatchObject({ code: 'LIMIT_EXCEEDED', field: 'couch.leg1LengthMm', limit: '370..435', unit: 'mm' });
    expect(Number(p.errors[0].actual)).toBeCloseTo(436.09, 2);
  });

  it('reports leg lengths for a reachable pose', () => {
    const p = planCorrection(ZERO_POSE, pose({ lateralMm: 2, pitchDeg: 1 }), 'room', hexapod, levels);
    expect(p.legLengthsMm).toHaveLength(6);
    expect(p.classification).toBe('apply');
  });
});

describe('couches that cannot rotate', () => {
  const c4 = model('couch-4dof');
  it('applies yaw on a 4DOF couch and reports pitch and roll as residual', () => {
    const p = planCorrection(ZERO_POSE, pose({ lateralMm: 1, pitchDeg: 0.6, rollDeg: -0.4, yawDeg: 0.8 }), 'room', c4, levels);
    expect(p.residualDeg).toEqual({ pitch: 0.6, roll: -0.4, yaw: 0 });
    expect(p.target.pitchDeg).toBe(0);
    expect(p.target.yawDeg).toBeCloseTo(0.8, 9);
    expect(p.reasons.join(' ')).toMatch(/residual pitch 0.60° not corrected by a 4DOF couch/);
  });

  it('refuses, rather than drops, a rotation beyond the residual limit', () => {
    const p = planCorrection(ZERO_POSE, pose({ pitchDeg: 1.5 }), 'room', c4, levels);
    expect(p.classification).toBe('reject');
    expect(p.errors[0]).toMatchObject({ field: 'correction.pitchDeg', actual: 1.5, limit: '±1' });
  });

  it('on a 3DOF couch every rotation is residual', () => {
    const c3 = { ...c4, dof: 3 as const, rotationAxes: { yaw: 'none' as const, pitchRoll: 'none' as const }, rangeDeg: { ...c4.rangeDeg, yaw: { min: 0, max: 0 } } };
    const p = planCorrection(ZERO_POSE, pose({ yawDeg: 0.5 }), 'room', c3, levels);
    expect(p.residualDeg.yaw).toBe(0.5);
    expect(p.target.yawDeg).toBe(0);
  });
});

describe('limits before motion', () => {
  it('refuses a target outside the travel with the axis, value and limit; the target is not clamped', () => {
    const p = planCorrection(pose({ lateralMm: 38 }), pose({ lateralMm: 2.5 }), 'room', model('hexapod-6dof'), levels);
    expect(p.classification).toBe('reject');
    expect(p.target.lateralMm).toBeCloseTo(40.5, 9);
    expect(p.errors.find((e) => e.field === 'couch.lateralMm')).toMatchObject({ actual: 40.5, limit: '-40..40', unit: 'mm' });
  });
});

/** Registration corrections: ±10 mm, pitch and roll within ±tiltDeg, yaw ±3°. */
const correctionWithin = (tiltDeg: number) =>
  fc.record({
    lateralMm: fc.double({ min: -10, max: 10, noNaN: true }),
    longitudinalMm: fc.double({ min: -10, max: 10, noNaN: true }),
    verticalMm: fc.double({ min: -10, max: 10, noNaN: true }),
    pitchDeg: fc.double({ min: -tiltDeg, max: tiltDeg, noNaN: true }),
    rollDeg: fc.double({ min: -tiltDeg, max: tiltDeg, noNaN: true }),
    yawDeg: fc.double({ min: -3, max: 3, noNaN: true }),
  });

/**
 * The couch's motion written out here, independently of couch-kinematics.ts: the turntable turns
 * about the vertical through the isocentre (the origin) and carries the table; the table top
 * translates along the turntable's axes and pitches/rolls about its pivot P₀, which rides with it.
 */
const P0 = (m: CouchModel): Vec3 => m.pivotFromIsocentreMm as Vec3;
function world(p: Pose6, x: Vec3, pivot: Vec3): Vec3 {
  const local = matVec(fromAngles(p.pitchDeg, p.rollDeg, 0), [x[0] - pivot[0], x[1] - pivot[1], x[2] - pivot[2]]);
  return matVec(fromAngles(0, 0, p.yawDeg), [local[0] + pivot[0] + p.lateralMm, local[1] + pivot[1] + p.longitudinalMm, local[2] + pivot[2] + p.verticalMm]);
}
function tableFrame(p: Pose6, y: Vec3, pivot: Vec3): Vec3 {
  const unturned = matVec(fromAngles(0, 0, -p.yawDeg), y);
  const d: Vec3 = [unturned[0] - pivot[0] - p.lateralMm, unturned[1] - pivot[1] - p.longitudinalMm, unturned[2] - pivot[2] - p.verticalMm];
  const r = fromAngles(p.pitchDeg, p.rollDeg, 0);
  const col = (i: number) => r[0][i] * d[0] + r[1][i] * d[1] + r[2][i] * d[2] + pivot[i];
  return [col(0), col(1), col(2)]; // Rprᵀ (Rz(−yaw)·y − T − P₀) + P₀
}

describe('property: the simulated couch puts the isocentre where the registration said', () => {
  const c6 = model('couch-6dof-pitch-roll');
  const P = P0(c6);

  function moveSimCouch(target: Pose6): Pose6 {
    const ranges = {
      lateralMm: c6.rangeMm.lateral, longitudinalMm: c6.rangeMm.longitudinal, verticalMm: c6.rangeMm.vertical,
      pitchDeg: c6.rangeDeg.pitch, rollDeg: c6.rangeDeg.roll, yawDeg: c6.rangeDeg.yaw,
    };
    const dev = new CouchDevice({ ranges, translationMmPerS: 20, rotationDegPerS: 1, translationMmPerS2: 40, rotationDegPerS2: 2, watchdogMs: 1e9, noise: { translationMm: 0, rotationDeg: 0 } });
    dev.write(CouchReg.watchdog, [1]);
    dev.write(CouchReg.targetPose, encodePose(target));
    dev.write(CouchReg.command, [CouchCommand.Move]);
    for (let i = 0; i < 20_000 && dev.moving; i++) dev.advance(10, 10);
    return dev.pose;
  }

  it('within 0.1 mm for random corrections within limits', () => {
    const correction = correctionWithin(2.5);
    fc.assert(
      fc.property(correction, (c) => {
        const plan = planCorrection(ZERO_POSE, c, 'room', c6, levels);
        expect(plan.classification).not.toBe('reject');
        const final = moveSimCouch(plan.target);
        // the table-top point at the isocentre (the origin) must go to I + t
        const moved = world(final, tableFrame(ZERO_POSE, [0, 0, 0], P), P);
        expect(Math.hypot(moved[0] - c.lateralMm, moved[1] - c.longitudinalMm, moved[2] - c.verticalMm)).toBeLessThan(0.1);
      }),
      { numRuns: 200, seed: 20261123 },
    );
  });

  it('from a couch far from zero and turned, in room or table-top axes: the pivot rides on the table, yaw turns about the isocentre (the session path)', () => {
    const grades = { applyMaxMm: 50, applyMaxDeg: 5, reviewMaxMm: 60, reviewMaxDeg: 6 };
    const pose = fc.record({
      lateralMm: fc.double({ min: -200, max: 200, noNaN: true }),
      longitudinalMm: fc.double({ min: -400, max: 900, noNaN: true }),
      verticalMm: fc.double({ min: -600, max: 100, noNaN: true }),
      pitchDeg: fc.double({ min: -0.2, max: 0.2, noNaN: true }),
      rollDeg: fc.double({ min: -0.2, max: 0.2, noNaN: true }),
      yawDeg: fc.double({ min: -60, max: 60, noNaN: true }),
    });
    // with the couch turned, a room-frame pitch and roll mix on the table's axes (≤ 1.8·(cos + sin) ≈ 2.5°): inside ±3°
    const small = correctionWithin(1.8);
    const frame = fc.constantFrom('room' as const, 'tableTop' as const);
    fc.assert(
      fc.property(pose, small, frame, (current, c, f) => {
        const plan = planCorrectionFromPose(current, c, f, c6, grades);
        expect(plan.classification, plan.reasons.join('; ')).not.toBe('reject');
        const R = fromAngles(c.pitchDeg, c.rollDeg, c.yawDeg);
        const A = fromAngles(current.pitchDeg, current.rollDeg, current.yawDeg); // table-top axes in the room now
        const F = f === 'room' ? fromAngles(0, 0, 0) : A;
        const Ft = [[F[0][0], F[1][0], F[2][0]], [F[0][1], F[1][1], F[2][1]], [F[0][2], F[1][2], F[2][2]]] as const;
        const t = matVec(F, [c.lateralMm, c.longitudinalMm, c.verticalMm]);
        // the isocentre point and one 80 mm away must land where the registration says: F·R·Fᵀ·y + F·t
        for (const y of [[0, 0, 0], [50, -30, 60]] as Vec3[]) {
          const moved = world(plan.target, tableFrame(current, y, P), P);
          const want = matVec(F, matVec(R, matVec(Ft, y))).map((v, i) => v + t[i]);
          expect(Math.hypot(moved[0] - want[0], moved[1] - want[1], moved[2] - want[2])).toBeLessThan(0.01);
        }
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });
});

describe('the correction names its frame, or the couch must not be turned', () => {
  const c4 = model('couch-4dof');
  it('moves a room-frame 5 mm lateral along room X with the couch at yaw 90° (the table\'s own axis is −longitudinal)', () => {
    const p = planCorrection(pose({ yawDeg: 90 }), pose({ lateralMm: 5 }), 'room', c4, levels);
    expect(p.translationMm[0]).toBeCloseTo(0, 9);
    expect(p.translationMm[1]).toBeCloseTo(-5, 9);
    const moved = world(p.target, tableFrame(pose({ yawDeg: 90 }), [0, 0, 0], [0, 0, 0]), [0, 0, 0]);
    expect(Math.hypot(moved[0] - 5, moved[1], moved[2])).toBeLessThan(1e-9); // e0acd72 put it at (0, 5, 0): 7.07 mm off
  });

  it('moves a table-top-frame 5 mm lateral along the table\'s own lateral axis', () => {
    const p = planCorrection(pose({ yawDeg: 90 }), pose({ lateralMm: 5 }), 'tableTop', c4, levels);
    expect(p.translationMm[0]).toBeCloseTo(5, 9);
    expect(p.translationMm[1]).toBeCloseTo(0, 9);
  });

  it('refuses an undeclared frame with the couch turned, naming correction.frame', () => {
    const p = planCorrection(pose({ yawDeg: 90 }), pose({ lateralMm: 5 }), undefined, c4, levels);
    expect(p.classification).toBe('reject');
    expect(p.errors.find((e) => e.field === 'correction.frame')).toMatchObject({ code: 'INPUT_INVALID', limit: 'room | tableTop' });
  });

  it('accepts an undeclared frame with the couch not turned, where both readings agree', () => {
    const p = planCorrection(pose({ longitudinalMm: 300 }), pose({ lateralMm: 2, yawDeg: 0.5 }), undefined, c4, levels);
    expect(p.errors).toEqual([]);
  });
});

describe('couch models declare their rotation axes', () => {
  const c6 = model('couch-6dof-pitch-roll');
  it.each([
    ['couch-4dof', { yaw: 'isocentric', pitchRoll: 'none' }],
    ['couch-6dof-pitch-roll', { yaw: 'isocentric', pitchRoll: 'tableTopPivot' }],
    ['hexapod-6dof', { yaw: 'virtualPivot', pitchRoll: 'virtualPivot' }],
  ])('%s turns %o', (id, axes) => expect(model(id).rotationAxes).toEqual(axes));

  it.each([
    ['no rotationAxes', (m: Record<string, unknown>) => delete m.rotationAxes, 'rotationAxes'],
    ['a 6DOF couch that cannot pitch', (m: Record<string, unknown>) => (m.rotationAxes = { yaw: 'isocentric', pitchRoll: 'none' }), 'rotationAxes'],
    ['a table-top pivot without its position', (m: Record<string, unknown>) => delete m.pivotFromIsocentreMm, 'pivotFromIsocentreMm'],
    ['a virtual pivot without hexapod geometry', (m: Record<string, unknown>) => (m.rotationAxes = { yaw: 'virtualPivot', pitchRoll: 'virtualPivot' }), 'virtualPivotFromIsocentreMm'],
  ])('rejects %s', (_, spoil, field) => {
    const m = structuredClone(c6) as unknown as Record<string, unknown>;
    spoil(m);
    const r = CouchModelSchema.safeParse(m);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });
});
