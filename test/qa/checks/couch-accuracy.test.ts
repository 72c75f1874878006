import { afterEach, describe, expect, it } from 'vitest';
import type { SimRig } from '../../../src/cli/qa/sim-rig.js';
import { runCouchAccuracy } from '../../../src/qa/checks/couch-accuracy.js';
import { checkOptions, startQaSim } from '../../helpers/qa-sim.js';

let sim: SimRig | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const failing = (r: { items: readonly { id: string; status: string }[] }) => r.items.filter((i) => i.status === 'fail').map((i) => i.id);

describe('couch 6DOF accuracy check', () => {
  it('passes a healthy couch on every axis, with repeatability and settle', async () => {
    sim = await startQaSim();
    const r = await runCouchAccuracy(checkOptions(sim));
    expect(r.status).toBe('pass');
    expect(r.items.map((i) => i.id)).toEqual([
      'lateral', 'lateral.repeatability', 'longitudinal', 'longitudinal.repeatability', 'vertical', 'vertical.repeatability',
      'pitch', 'pitch.repeatability', 'roll', 'roll.repeatability', 'yaw', 'yaw.repeatability', 'settle',
    ]);
    for (const i of r.items.filter((x) => !x.id.includes('.') && x.id !== 'settle')) expect(Math.abs(i.error)).toBeLessThan(0.05);
  }, 60_000);

  it('finds an injected lateral backlash of 0.6 mm under SRS tolerances on the lateral axis only', async () => {
    sim = await startQaSim(['couch.lateral.backlashMm=0.6']);
    const r = await runCouchAccuracy(checkOptions(sim, true));
    const lateral = r.items.find((i) => i.id === 'lateral')!;
    expect(Math.abs(lateral.error - 0.6)).toBeLessThanOrEqual(0.05);
    expect(lateral.status).toBe('action'); // SRS: action 0.5 mm, tolerance 1 mm
    expect(r.items.filter((i) => i.status !== 'pass').map((i) => i.id)).toEqual(['lateral']);
  }, 60_000);

  it('fails a pitch calibration offset of 1.3° naming the pitch axis and its size', async () => {
    sim = await startQaSim(['couch.pitch.offsetDeg=1.3']);
    const r = await runCouchAccuracy(checkOptions(sim));
    expect(r.status).toBe('fail');
    expect(failing(r)).toEqual(['pitch']);
    const pitch = r.items.find((i) => i.id === 'pitch')!;
    expect(Math.abs(pitch.error - 1.3)).toBeLessThanOrEqual(0.05);
    expect(pitch.unit).toBe('deg');
  }, 60_000);
});
