import { describe, expect, it, vi } from 'vitest';
import { SimRoom } from '../../../simulators/sim-room.js';
import { applyInjections } from '../../../src/cli/qa/apply-inject.js';
import { parseInjectSpecs } from '../../../src/qa/inject/inject-spec.js';
import { simOptions } from '../../helpers/sim-fixtures.js';

describe('--inject appliers', () => {
  it('puts couch, door, e-stop and dose-channel faults into the simulators', () => {
    const room = new SimRoom(simOptions);
    applyInjections(room, parseInjectSpecs(['couch.lateral.backlashMm=0.6', 'couch.pitch.offsetDeg=0.3', 'door.switch=stuck-closed', 'estop.switch=stuck-pressed', 'beam.channel2.gainError=-0.03']));
    expect(room.couch.faults.backlash).toEqual({ lateralMm: 0.6 });
    expect(room.couch.faults.offset).toEqual({ pitchDeg: 0.3 });
    expect(room.beam.sensors).toEqual({ doorSwitch: 'stuck-closed', estopSwitch: 'stuck-pressed', channel2GainError: -0.03 });
  });

  it('puts MLC leaf faults into the MLC simulator through setLeafFault, an offset and a speed on one leaf merged', () => {
    const room = new SimRoom(simOptions);
    const hook = vi.spyOn(room.mlc, 'setLeafFault');
    applyInjections(room, parseInjectSpecs(['mlc.leaf.A17.offsetMm=0.8', 'mlc.leaf.B3.speedMmPerS=15', 'mlc.leaf.B3.offsetMm=-0.2']));
    // A17 (pair index 16) stands 0.8 mm along +X_b from where its controller reports it; B3 too, by −0.2 mm
    expect(room.mlc.truePositions.bankAMm[16] - room.mlc.positions.bankAMm[16]).toBeCloseTo(0.8, 9);
    expect(room.mlc.truePositions.bankBMm[2] - room.mlc.positions.bankBMm[2]).toBeCloseTo(-0.2, 9);
    expect(room.mlc.truePositions.bankAMm[15]).toBe(room.mlc.positions.bankAMm[15]);
    // B3's second spec kept its speed limit: the hook got both
    expect(hook).toHaveBeenLastCalledWith('B', 3, { speedMmPerS: 15, offsetMm: -0.2 });
  });

  it.each([['mlc.leaf.A61.offsetMm=0.8', 'A1..A60'], ['mlc.leaf.B3.speedMmPerS=0', 'speedMmPerS > 0']])('refuses %s naming the spec and the limit', (spec, limit) => {
    const room = new SimRoom(simOptions);
    expect(() => applyInjections(room, parseInjectSpecs([spec]))).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', field: '--inject', actual: spec, limit }));
  });
});
