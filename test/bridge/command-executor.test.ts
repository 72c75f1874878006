import { describe, expect, it } from 'vitest';
import { CommandExecutor } from '../../src/bridge/command-executor.js';
import type { RoomDrivers } from '../../src/bridge/evidence-feed.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';

/** A linac whose SET_SEGMENT_END is slow, so a later hold overtakes the queued beam-on. */
function fakeRoom(calls: string[], armed = { beamId: 1, presetMu: 60, doseRateMuPerMin: 600 }) {
  const beam = {
    setSegmentEnd: () => new Promise((r) => setTimeout(() => (calls.push('setSegmentEnd'), r(undefined)), 30)),
    beamOn: async () => void calls.push('beamOn'),
    hold: async () => void calls.push('hold'),
    status: async () => (calls.push('status'), { state: BeamState.Armed, ...armed }),
    arm: async () => (calls.push('arm'), { state: BeamState.Armed, ...armed }),
    reset: async () => (calls.push('reset'), { state: BeamState.Idle, ...armed }),
  };
  const couch = { moveTo: async () => void calls.push('moveTo') };
  return { beam, mlc: {}, couch } as unknown as RoomDrivers;
}

const BEAM_ON = { type: 'command' as const, command: 'BEAM_ON' as const, beamId: 1, presetMu: 60, doseRateMuPerMin: 600 };

describe('command executor', () => {
  it('never sends a queued beam-on after the session has left beamOn (a hold overtook it)', async () => {
    const calls: string[] = [];
    let sessionInBeamOn = true;
    const ex = new CommandExecutor(fakeRoom(calls), { beamOnWanted: () => sessionInBeamOn, correctionApproved: () => true });
    const seg = ex.execute({ type: 'command', command: 'SET_SEGMENT_END', endMu: 5 });
    const on = ex.execute(BEAM_ON);
    sessionInBeamOn = false; // an interlock held the beam
    await ex.execute({ type: 'command', command: 'HOLD_BEAM' });
    await seg;
    await expect(on).rejects.toMatchObject({ code: 'PERMIT_DENIED' });
    expect(calls).toEqual(['hold', 'setSegmentEnd']);
  });

  it('sends beam-on in order after the segment end while the session still wants it', async () => {
    const calls: string[] = [];
    const ex = new CommandExecutor(fakeRoom(calls), { beamOnWanted: () => true, correctionApproved: () => true });
    void ex.execute({ type: 'command', command: 'SET_SEGMENT_END', endMu: 5 });
    await ex.execute(BEAM_ON);
    expect(calls).toEqual(['setSegmentEnd', 'status', 'beamOn']);
  });

  it('refuses an ARM whose reply shows 10 × the planned preset, naming the field', async () => {
    const calls: string[] = [];
    const ex = new CommandExecutor(fakeRoom(calls, { beamId: 1, presetMu: 600, doseRateMuPerMin: 600 }), { beamOnWanted: () => true, correctionApproved: () => true });
    await expect(ex.execute({ type: 'command', command: 'ARM_BEAM', beamId: 1, presetMu: 60, doseRateMuPerMin: 600 })).rejects.toMatchObject({ code: 'DEVICE_FAULT', field: 'beam.presetMu', limit: 60, actual: 600 });
  });

  it('reads the armed parameters back just before every beam-on and does not send it when the dose rate differs', async () => {
    const calls: string[] = [];
    const ex = new CommandExecutor(fakeRoom(calls, { beamId: 1, presetMu: 60, doseRateMuPerMin: 1400 }), { beamOnWanted: () => true, correctionApproved: () => true });
    await expect(ex.execute(BEAM_ON)).rejects.toMatchObject({ code: 'DEVICE_FAULT', field: 'beam.doseRateMuPerMin' });
    expect(calls).toEqual(['status']);
  });
});

describe('couch moves at the executor', () => {
  const move = (registrationId: string) => ({ type: 'command' as const, command: 'MOVE_COUCH' as const, target: { lateralMm: 1, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 }, moveId: 1, registrationId });

  it('refuses a move for a correction that was not approved', async () => {
    const calls: string[] = [];
    const ex = new CommandExecutor(fakeRoom(calls), { beamOnWanted: () => false, correctionApproved: (id) => id === 'ok' });
    await expect(ex.execute(move('other'))).rejects.toMatchObject({ code: 'PERMIT_DENIED', field: 'registrationId' });
    expect(calls).toEqual([]);
  });

  it('applies a correction once: a second move for it is refused', async () => {
    const calls: string[] = [];
    const ex = new CommandExecutor(fakeRoom(calls), { beamOnWanted: () => false, correctionApproved: () => true });
    await ex.execute(move('r1'));
    await expect(ex.execute(move('r1'))).rejects.toMatchObject({ code: 'PERMIT_DENIED' });
    expect(calls).toEqual(['moveTo']);
  });
});

describe('MLC moves at the executor', () => {
  function mlcRoom(calls: string[], latest: object | undefined) {
    const mlc = {
      latest,
      stop: async () => void calls.push('stop'),
      setTargets: async () => void calls.push('setTargets'),
      move: async () => void calls.push('move'),
      loadTrajectory: async () => void calls.push('loadTrajectory'),
      startTrajectory: async () => void calls.push('startTrajectory'),
    };
    return { beam: {}, couch: {}, mlc } as unknown as RoomDrivers;
  }
  const leaves = { bankAMm: [1], bankBMm: [-1] };
  const moveMlc = (reposition?: true) => ({ type: 'command' as const, command: 'MOVE_MLC' as const, leaves, beamId: 1, segment: 2, ...(reposition ? { reposition } : {}) });
  const idleController = { status: { moving: false, trajectoryMode: false } };

  it('stops the controller before a reposition in a hold, wherever it stands, then sends the targets and moves', async () => {
    const calls: string[] = [];
    await new CommandExecutor(mlcRoom(calls, idleController), { beamOnWanted: () => false, correctionApproved: () => true }).execute(moveMlc(true));
    expect(calls).toEqual(['stop', 'setTargets', 'move']);
  });

  it('sends a segment move between segments without a stop when the controller is not following a trajectory', async () => {
    const calls: string[] = [];
    await new CommandExecutor(mlcRoom(calls, idleController), { beamOnWanted: () => false, correctionApproved: () => true }).execute(moveMlc());
    expect(calls).toEqual(['setTargets', 'move']);
  });

  it('reloads and restarts a dynamic beam\'s trajectory on a reposition: the controller takes its place at the delivered dose fraction', async () => {
    const calls: string[] = [];
    const trajectory = [{ metersetWeight: 0, positions: leaves }, { metersetWeight: 1, positions: leaves }];
    await new CommandExecutor(mlcRoom(calls, idleController), { beamOnWanted: () => false, correctionApproved: () => true, trajectoryFor: () => trajectory }).execute(moveMlc(true));
    expect(calls).toEqual(['stop', 'loadTrajectory', 'startTrajectory']);
  });
});
