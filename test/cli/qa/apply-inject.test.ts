import { describe, expect, it } from 'vitest';
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

  it('refuses an MLC leaf fault while the MLC simulator cannot take one, naming the spec', () => {
    const room = new SimRoom(simOptions);
    const hasHook = typeof (room.mlc as unknown as { setLeafFault?: unknown }).setLeafFault === 'function';
    const apply = () => applyInjections(room, parseInjectSpecs(['mlc.leaf.A17.offsetMm=0.8']));
    if (hasHook) expect(apply).not.toThrow();
    else expect(apply).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', actual: 'mlc.leaf.A17.offsetMm=0.8' }));
  });
});
