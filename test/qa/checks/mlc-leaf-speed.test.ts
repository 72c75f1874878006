import { afterEach, describe, expect, it } from 'vitest';
import type { SimRig } from '../../../src/cli/qa/sim-rig.js';
import { LEAF_SPEED_CHECK } from '../../../src/qa/checks/mlc-leaf-speed.js';
import { runMlcLeafSpeed } from '../../../src/qa/checks/mlc-checks.js';
import { QA_TIME_SCALE, checkOptions, startQaSim } from '../../helpers/qa-sim.js';

let sim: SimRig | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

// the rig runs at QA_TIME_SCALE; the check runs the room at 1 while it samples, and puts it back
describe('MLC leaf speed check (readback over time, in QA mode)', () => {
  it('passes every leaf of a healthy MLC at its rated speed, against TG-142’s 0.5 cm/s loss', async () => {
    sim = await startQaSim();
    const r = await runMlcLeafSpeed(checkOptions(sim));
    expect(r.name).toBe(LEAF_SPEED_CHECK);
    expect(r.items).toHaveLength(120);
    expect(r.status).toBe('pass');
    expect(r.tolerance).toMatchObject({ tolerance: 5, unit: 'mm/s' });
    const rated = sim.rig.config.mlc.maxLeafSpeedMmPerS;
    for (const i of r.items) expect(Math.abs(i.measured - rated)).toBeLessThan(1);
    expect(sim.rig.timeScale).toBe(QA_TIME_SCALE);
  }, 60_000);

  it('flags exactly B3 when it moves no faster than 15 mm/s, and measures that speed', async () => {
    sim = await startQaSim(['mlc.leaf.B3.speedMmPerS=15']);
    const r = await runMlcLeafSpeed(checkOptions(sim));
    expect(r.status).toBe('fail');
    const flagged = r.items.filter((i) => i.status !== 'pass');
    expect(flagged.map((i) => i.id)).toEqual(['B3']);
    // stated tolerance: within 1 mm/s of the injected speed (readback stamped at mid-request on a loaded machine)
    expect(Math.abs(flagged[0].measured - 15)).toBeLessThan(1);
  }, 60_000);
});
