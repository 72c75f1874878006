import { BehaviorSubject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../src/core/bridge-error.js';
import { ManualClock } from '../../../src/core/clock.js';
import type { BeamSnapshot } from '../../../src/drivers/beam-driver.js';
import type { MlcSnapshot } from '../../../src/drivers/mlc-driver.js';
import { mlcLeafPositionCheck } from '../../../src/qa/checks/mlc-leaf-position.js';
import { MAX_MISSED_SAMPLES, sample, type MlcCheckRoom, type QaBeamLink, type QaMlcLink } from '../../../src/qa/checks/mlc-qa-links.js';
import { BeamState, TerminationReason, type BeamStatus } from '../../../src/protocol/beam-protocol.js';
import { testConfig } from '../../helpers/sim-fixtures.js';

const idle: BeamStatus = { state: BeamState.Idle, beamId: 0, mu1: 0, mu2: 0, presetMu: 0, segmentEndMu: 0, doseRateMuPerMin: 0, doorClosed: true, emergencyStop: false, watchdogHold: false, termination: TerminationReason.None, tick: 0 };

/** Links that record every command; the MLC refuses its targets, the beam's TERMINATE fails too. */
function refusingRoom(calls: string[]): MlcCheckRoom {
  const ok = (name: string) => async () => void calls.push(name);
  const mlc: QaMlcLink = {
    setTargets: async () => {
      calls.push('mlc.setTargets');
      throw new BridgeError('DEVICE_REJECTED', 'targets refused', { field: 'mlc.SetTargets' });
    },
    move: ok('mlc.move'), stop: ok('mlc.stop'), loadTrajectory: ok('mlc.loadTrajectory'), startTrajectory: ok('mlc.startTrajectory'),
    readPositions: async () => ({ bankAMm: [], bankBMm: [] }),
    snapshot$: new BehaviorSubject<MlcSnapshot | undefined>(undefined),
  };
  const status = (name: string) => async () => (calls.push(name), idle);
  const beam: QaBeamLink = {
    arm: status('beam.arm'), beamOn: status('beam.beamOn'), status: status('beam.status'), resume: async () => (calls.push('beam.resume'), []),
    terminate: async () => {
      calls.push('beam.terminate');
      throw new Error('beam link down');
    },
    snapshot$: new BehaviorSubject<BeamSnapshot | undefined>(undefined),
  };
  return { mlc, beam, model: testConfig.mlc, clock: new ManualClock() };
}

describe('MLC checks fail safe', () => {
  it('when the MLC refuses, the check terminates the beam and stops the leaves (each tried whatever the other does) and reports the refusal', async () => {
    const calls: string[] = [];
    const epid = { begin: () => void calls.push('epid.begin'), read: () => Promise.reject(new Error('never read')) };
    await expect(mlcLeafPositionCheck(refusingRoom(calls), epid, { tolerance: 1, action: 0.5, unit: 'mm', source: 'test' })).rejects.toMatchObject({ code: 'DEVICE_REJECTED', field: 'mlc.SetTargets' });
    expect(calls).toEqual(expect.arrayContaining(['mlc.setTargets', 'beam.terminate', 'mlc.stop']));
    expect(calls).not.toContain('beam.arm'); // the leaves go to the first picket before any beam is selected
    expect(calls).not.toContain('beam.beamOn');
  });
});

describe('read-only samples during a check', () => {
  const timeout = () => Promise.reject(new BridgeError('REQUEST_TIMEOUT', 'no reply', { field: 'mlc.ReadPositions' }));

  it('rides over a few unanswered reads, and gives up after MAX_MISSED_SAMPLES in a row', async () => {
    const missed = { count: 0 };
    for (let i = 0; i < MAX_MISSED_SAMPLES; i++) expect(await sample(timeout, missed)).toBeUndefined();
    expect(await sample(async () => 7, missed)).toBe(7); // an answer resets the count
    for (let i = 0; i < MAX_MISSED_SAMPLES; i++) await sample(timeout, missed);
    await expect(sample(timeout, missed)).rejects.toMatchObject({ code: 'REQUEST_TIMEOUT' });
  });

  it('does not ride over anything but a timeout', async () => {
    await expect(sample(() => Promise.reject(new BridgeError('DEVICE_REJECTED', 'nak')), { count: 0 })).rejects.toMatchObject({ code: 'DEVICE_REJECTED' });
  });
});
