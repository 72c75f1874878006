/**
 * IL-MLC-NOT-IN-POSITION for a dynamic beam: judged from the trajectory
 * evidence (bridge/trajectory-watch.ts), not from the segment's leaves.
 */
import { describe, expect, it } from 'vitest';
import { evaluatePermit, type PermitInput } from '../../src/interlock/evaluate-permit.js';
import type { TrajectoryEvidence } from '../../src/interlock/evidence.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { SessionHarness, SETUP_TARGET } from '../helpers/session-harness.js';

const NOW = 5_000;
const onTrajectory = (maxErrorMm: number, o: Partial<TrajectoryEvidence> = {}): TrajectoryEvidence => ({ beamId: 1, atMs: NOW - 50, maxErrorMm, bank: 'A', pair: 29, actualMm: 0, expectedMm: [0, 0], muWindow: [10, 10.2], skewWindowMs: 2, ...o });

/** A dynamic beam running mid-trajectory: the MLC moving and far from the segment's (first control point's) leaves. */
function dynamicInput(trajectory: TrajectoryEvidence | undefined, trajectoryMode = true, tolerance?: number): PermitInput {
  const h = new SessionHarness();
  h.t = NOW;
  h.room.mlc = { bankAMm: new Array(60).fill(25), bankBMm: new Array(60).fill(15) };
  h.room.couch = { ...SETUP_TARGET };
  Object.assign(h.room.beam, { state: BeamState.Armed, beamId: 1, presetMu: 60, segmentEndMu: 60 });
  const e = h.evidence();
  return {
    planLoaded: true, setupVerified: true, approvedCouchTarget: SETUP_TARGET, expectedLeaves: { bankAMm: new Array(60).fill(10), bankBMm: new Array(60).fill(-10) }, dynamicBeam: true,
    selectedBeamId: 1, expectedSegmentEndMu: 60, expectedPresetMu: 60, expectedDoseRateMuPerMin: 600, irradiationMs: 1_000, backupTimerLimitMs: 8_600, latchedFaults: [],
    evidence: { ...e, mlc: { ...e.mlc!, status: { ...e.mlc!.status, moving: true, trajectoryMode } }, trajectory },
    tolerances: { mlcPositionMm: 1, couchTranslationMm: 0.5, couchRotationDeg: 0.2, muChannelDisagreement: { fraction: 0.02, floorMu: 0.1 }, evidenceMaxAgeMs: 300, muOverrunMu: 1, backupTimerFactor: 1.1, backupTimerMarginMs: 2000, ...(tolerance ? { dynamicLeafToleranceMm: tolerance } : {}) },
  };
}
const unmet = (p: PermitInput, mode: 'start' | 'running') => evaluatePermit(p, NOW, mode).unmet.includes('IL-MLC-NOT-IN-POSITION');

describe('IL-MLC-NOT-IN-POSITION for a dynamic beam', () => {
  it('is clear while every leaf is on its trajectory, although the leaves move and are far from the first control point', () => {
    expect(unmet(dynamicInput(onTrajectory(0.4)), 'running')).toBe(false);
    expect(unmet(dynamicInput(onTrajectory(0.4)), 'start')).toBe(false);
  });

  it('holds a running beam when a leaf is beyond dynamicLeafToleranceMm (default 2 mm), not at it', () => {
    expect(unmet(dynamicInput(onTrajectory(2)), 'running')).toBe(false);
    expect(unmet(dynamicInput(onTrajectory(2.01)), 'running')).toBe(true);
    expect(unmet(dynamicInput(onTrajectory(2.01), true, 3), 'running')).toBe(false);
  });

  it('needs the static mlcPositionMm and the controller following its trajectory to start or resume', () => {
    expect(unmet(dynamicInput(onTrajectory(1.5)), 'start')).toBe(true);
    expect(unmet(dynamicInput(onTrajectory(0.5), false), 'start')).toBe(true);
    expect(unmet(dynamicInput(onTrajectory(0.5), false), 'running')).toBe(false); // stopping to follow shows as leaf error, not as the bit
  });

  it('is unmet without a judgement, with a stale one, or with one for another beam', () => {
    expect(unmet(dynamicInput(undefined), 'running')).toBe(true);
    expect(unmet(dynamicInput(onTrajectory(0, { atMs: NOW - 301 })), 'running')).toBe(true);
    expect(unmet(dynamicInput(onTrajectory(0, { beamId: 2 })), 'running')).toBe(true);
  });

  it('leaves a step-and-shoot beam judged by its segment leaves, whatever trajectory evidence is present', () => {
    const p = { ...dynamicInput(onTrajectory(0)), dynamicBeam: false };
    expect(unmet(p, 'start')).toBe(true); // leaves at 25/15 mm, segment at 10/−10 mm, and moving
  });
});
