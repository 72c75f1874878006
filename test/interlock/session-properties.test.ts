import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BROKEN_MACHINES } from '../helpers/session-model/broken-machines.js';
import { modelPlan } from '../helpers/session-model/model-config.js';
import { runRandom, type RandomStep } from '../helpers/session-model/random-run.js';

/** Fixed seeds and bounded runs: CI replays exactly the same interleavings. */
const SEED = 20_261_126;
const RUNS = 300;

const step: fc.Arbitrary<RandomStep> = fc.record({
  progress: fc.nat({ max: 3 }).map((n) => n > 0),
  pick: fc.nat({ max: 1000 }),
  // no time, a short gap (evidence every 20-100 ms), or a long one (stale links, expired dwell, confirm and backup timers)
  dtMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 200, max: 2500 })),
});
const session = fc.array(step, { minLength: 1, maxLength: 150, size: 'max' });

const PLANS = [
  ['conventional, 2 beams × 2 segments', modelPlan(2, 2)],
  ['srs with motion monitoring, 1 beam × 3 segments', modelPlan(1, 3, 'srs')],
] as const;

describe('session statechart under random interleavings of evidence, faults and operator actions', () => {
  it.each(PLANS)('%s: every invariant holds after every event', (_name, plan) => {
    fc.assert(
      fc.property(session, (steps) => {
        const r = runRandom(plan, steps);
        expect(r.violations).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it.each(PLANS)('%s: the random sessions reach beam-on, holds, faults and completion', (_name, plan) => {
    const reached = new Set(fc.sample(session, { seed: SEED, numRuns: RUNS }).flatMap((steps) => runRandom(plan, steps).states.map((s) => s.split('.')[0])));
    expect([...reached]).toEqual(expect.arrayContaining(['setup', 'mlcPositioning', 'ready', 'beamOn', 'beamHold', 'fault', 'aborted', 'fractionComplete']));
  });

  it('fails on a machine that never holds a running beam', () => {
    const out = fc.check(fc.property(session, (steps) => runRandom(modelPlan(2, 2), steps, BROKEN_MACHINES['permit-while-beam-on'].machine()).violations.length === 0), { seed: SEED, numRuns: RUNS });
    expect(out.failed).toBe(true);
  });
});
