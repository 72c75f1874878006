import { afterEach, describe, expect, it } from 'vitest';
import type { SimRig } from '../../../src/cli/qa/sim-rig.js';
import { runIgrtEndToEnd } from '../../../src/qa/checks/igrt-end-to-end.js';
import { checkOptions, startQaSim } from '../../helpers/qa-sim.js';

let sim: SimRig | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('IGRT end-to-end check', () => {
  it('passes when the correction leaves no residual on any axis', async () => {
    sim = await startQaSim();
    const r = await runIgrtEndToEnd(checkOptions(sim));
    expect(r.status).toBe('pass');
    expect(r.items.map((i) => i.id)).toEqual(['lateral', 'longitudinal', 'vertical', 'pitch', 'roll', 'yaw']);
    for (const i of r.items) expect(Math.abs(i.error)).toBeLessThan(0.05);
    expect(sim.room.imaging.published).toBe(2);
  }, 60_000);

  it('fails under SRS when the couch stops 1.4 mm off vertically, naming the vertical residual', async () => {
    sim = await startQaSim(['couch.vertical.offsetMm=1.4']);
    const r = await runIgrtEndToEnd(checkOptions(sim, true));
    expect(r.status).toBe('fail');
    expect(r.items.filter((i) => i.status !== 'pass').map((i) => i.id)).toEqual(['vertical']);
    const v = r.items.find((i) => i.id === 'vertical')!;
    expect(Math.abs(v.measured - 1.4)).toBeLessThanOrEqual(0.05);
    expect(v.unit).toBe('mm');
  }, 60_000);

  it('fails a yaw offset of 1.2° beyond the 1° tolerance, naming yaw', async () => {
    sim = await startQaSim(['couch.yaw.offsetDeg=1.2']);
    const r = await runIgrtEndToEnd(checkOptions(sim));
    expect(r.items.filter((i) => i.status === 'fail').map((i) => i.id)).toEqual(['yaw']);
    expect(Math.abs(r.items.find((i) => i.id === 'yaw')!.measured - 1.2)).toBeLessThanOrEqual(0.05);
  }, 60_000);
});
