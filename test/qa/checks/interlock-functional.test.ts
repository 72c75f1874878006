import { afterEach, describe, expect, it } from 'vitest';
import type { SimRig } from '../../../src/cli/qa/sim-rig.js';
import { INTERLOCK_TRIALS, runInterlockFunctional } from '../../../src/qa/checks/interlock-functional.js';
import { checkOptions, startQaSim } from '../../helpers/qa-sim.js';

let sim: SimRig | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const trial = (id: string) => INTERLOCK_TRIALS.filter((t) => t.id === id);

describe('interlock functional check', () => {
  it('shows every interlock vetoing beam-on and holding a running QA beam on a healthy room', async () => {
    sim = await startQaSim();
    const r = await runInterlockFunctional(checkOptions(sim));
    expect(r.items.map((i) => [i.id, i.measured, i.detail?.vetoesBeamOn, i.detail?.holdsRunningBeam])).toEqual(
      INTERLOCK_TRIALS.map((t) => [t.id, 2, true, true]),
    );
    expect(r.status).toBe('pass');
  }, 120_000);

  it('fails the door interlock when the door switch is stuck closed, and only that one', async () => {
    sim = await startQaSim(['door.switch=stuck-closed']);
    const r = await runInterlockFunctional(checkOptions(sim), [...trial('IL-DOOR-OPEN'), ...trial('IL-BEAM-STALE')]);
    expect(r.status).toBe('fail');
    expect(r.items.filter((i) => i.status === 'fail').map((i) => i.id)).toEqual(['IL-DOOR-OPEN']);
    const door = r.items[0];
    expect(door).toMatchObject({ measured: 0, expected: 2, error: -2, unit: 'functions' });
    expect(door.detail).toMatchObject({ vetoesBeamOn: false, holdsRunningBeam: false });
  }, 60_000);

  it('fails the emergency-stop interlock when its switch is stuck released', async () => {
    sim = await startQaSim(['estop.switch=stuck-released']);
    const r = await runInterlockFunctional(checkOptions(sim), trial('IL-EMERGENCY-STOP'));
    expect(r.items.map((i) => [i.id, i.status, i.measured])).toEqual([['IL-EMERGENCY-STOP', 'fail', 0]]);
  }, 60_000);
});
