/**
 * TrajectoryWatch: MLC readbacks wait for the beam readback that covers their
 * skew window, then are judged as trajectory_error.py judges them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrajectoryWatch } from '../../src/bridge/trajectory-watch.js';
import type { PlanBeam } from '../../src/domain/plan/plan.js';
import type { TrajectoryEvidence } from '../../src/interlock/evidence.js';
import { BeamState, TerminationReason, type BeamStatus } from '../../src/protocol/beam-protocol.js';
import type { MlcStatus } from '../../src/protocol/mlc-protocol.js';

const ref = JSON.parse(fs.readFileSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/dynamic/trajectory_error.json'), 'utf8'));
const trajectory = ref.weights.map((w: number, k: number) => ({ metersetWeight: w, positions: { bankAMm: ref.bankAMm[k], bankBMm: ref.bankBMm[k] } }));
const beam = { id: 7, name: 'dyn', gantryDeg: 0, doseRateMuPerMin: 600, grid: { bixelWidthMm: 1, originMm: 0, firstLeafPair: 0, rows: 2, cols: 1 }, segments: [{ mu: ref.beamMu, rows: [null, null] }], fluence: [[0], [0]], trajectory } as PlanBeam;
const status = (mu: number, state = BeamState.BeamOn, beamId = 7): BeamStatus => ({ state, beamId, mu1: mu, mu2: mu, presetMu: ref.beamMu, segmentEndMu: ref.beamMu, doseRateMuPerMin: 600, doorClosed: true, emergencyStop: false, watchdogHold: false, termination: TerminationReason.None, tick: 0 });
const mlcStatus = { moving: true, inPosition: false, fault: false, targetsLoaded: true, trajectoryMode: true, holdOff: false, faultCode: 0, maxErrorMm: 0, tick: 0 } as MlcStatus;

describe('TrajectoryWatch', () => {
  it('judges each MLC readback once a beam readback covers its window, as trajectory_error.py does', () => {
    const got: TrajectoryEvidence[] = [];
    const w = new TrajectoryWatch((e) => got.push(e));
    const mlc = ref.mlc as Array<{ atMs: number; requestedAtMs: number; bankAMm: number[]; bankBMm: number[] }>;
    let next = 0;
    for (const [atMs, mu] of ref.beam as Array<[number, number]>) {
      // every MLC readback that arrived before this beam readback
      while (next < mlc.length && mlc[next].atMs < atMs) {
        const m = mlc[next++];
        w.observeMlc({ positions: { bankAMm: m.bankAMm, bankBMm: m.bankBMm }, status: mlcStatus, atMs: m.atMs, requestedAtMs: m.requestedAtMs }, beam);
      }
      w.observeBeam({ status: status(mu), atMs, requestedAtMs: atMs - ref.rB }, beam);
    }
    expect(got).toHaveLength(ref.expected.length);
    got.forEach((e, k) => {
      const want = ref.expected[k];
      expect(e.maxErrorMm).toBeCloseTo(want.maxErrorMm, 9);
      expect([e.beamId, e.bank, e.pair, e.atMs]).toEqual([7, want.bank, want.pair, mlc[k].atMs]);
      expect(e.muWindow[0]).toBeCloseTo(want.muWindow[0], 9);
      expect(e.muWindow[1]).toBeCloseTo(want.muWindow[1], 9);
      expect(e.skewWindowMs).toBeCloseTo(mlc[k].atMs - mlc[k].requestedAtMs + ref.rB, 9);
    });
    expect(w.stats(7)).toMatchObject({ readbacksJudged: 3, maxLeafErrorMm: expect.closeTo(Math.max(...ref.expected.map((x: { maxErrorMm: number }) => x.maxErrorMm)), 9) });
  });

  it('judges at once while the linac is not irradiating (its MU cannot change)', () => {
    const got: TrajectoryEvidence[] = [];
    const w = new TrajectoryWatch((e) => got.push(e));
    w.observeBeam({ status: status(0, BeamState.Armed), atMs: 100, requestedAtMs: 99 }, beam);
    w.observeMlc({ positions: { bankAMm: [10, 20], bankBMm: [0, 15] }, status: mlcStatus, atMs: 150, requestedAtMs: 148 }, beam);
    expect(got.map((e) => [e.maxErrorMm, e.muWindow])).toEqual([[0, [0, 0]]]);
    expect(w.stats(7)).toBeUndefined(); // positioning before the first MU is evidence, not delivery
  });

  it('judges nothing for a step-and-shoot beam or while the linac reports another beam', () => {
    const got: TrajectoryEvidence[] = [];
    const w = new TrajectoryWatch((e) => got.push(e));
    w.observeBeam({ status: status(0, BeamState.Armed, 6), atMs: 100, requestedAtMs: 99 }, beam);
    w.observeMlc({ positions: { bankAMm: [10, 20], bankBMm: [0, 15] }, status: mlcStatus, atMs: 150, requestedAtMs: 148 }, beam);
    w.observeBeam({ status: status(0, BeamState.Armed), atMs: 200, requestedAtMs: 199 }, { ...beam, trajectory: undefined });
    w.observeMlc({ positions: { bankAMm: [10, 20], bankBMm: [0, 15] }, status: mlcStatus, atMs: 250, requestedAtMs: 248 }, { ...beam, trajectory: undefined });
    expect(got).toEqual([]);
  });
});
