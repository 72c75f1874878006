import { describe, expect, it } from 'vitest';
import { ZERO_POSE, type Pose6 } from '../../../src/core/pose.js';
import { CouchMotionSupervisor, DEFAULT_MOTION_LIMITS } from '../../../src/domain/couch/motion-supervisor.js';
import { testConfig } from '../../helpers/sim-fixtures.js';

const at = (lateralMm: number): Pose6 => ({ ...ZERO_POSE, lateralMm });

describe('couch motion supervisor', () => {
  it('a near-zero move that the couch starts only after a readback already "at target" is not unexpected motion', () => {
    const sup = new CouchMotionSupervisor(testConfig.couch);
    sup.beginMove(at(0), at(0.05), 1, 0);
    expect(sup.observe(at(0), false, 10)).toBeUndefined(); // within tolerance of the target, couch not started yet
    expect(sup.moving).toBe(true); // the move is not over before the couch has moved
    expect(sup.observe(at(0.02), true, 60)).toBeUndefined(); // the couch now carries out the move
    expect(sup.observe(at(0.05), false, 110)).toBeUndefined();
    expect(sup.moving).toBe(false);
    expect(sup.observe(at(0.05), false, 200)).toBeUndefined(); // at rest at the target
  });

  it('a move the couch never starts ends after the stall time if the couch is already at the target', () => {
    const sup = new CouchMotionSupervisor(testConfig.couch);
    sup.beginMove(at(0), at(0), 1, 0);
    expect(sup.observe(at(0), false, 100)).toBeUndefined();
    expect(sup.moving).toBe(true);
    expect(sup.observe(at(0), false, DEFAULT_MOTION_LIMITS.stallMs)).toBeUndefined();
    expect(sup.moving).toBe(false);
  });

  it('motion after the move has ended is still unexpected motion', () => {
    const sup = new CouchMotionSupervisor(testConfig.couch);
    sup.beginMove(at(0), at(5), 1, 0);
    sup.observe(at(2.5), true, 100);
    sup.observe(at(5), false, 400);
    expect(sup.moving).toBe(false);
    expect(sup.observe(at(5.2), true, 500)).toMatchObject({ kind: 'unexpected-motion' });
  });
});
