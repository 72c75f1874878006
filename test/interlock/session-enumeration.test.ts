import { describe, expect, it } from 'vitest';
import { BROKEN_MACHINES } from '../helpers/session-model/broken-machines.js';
import { INVARIANTS, type InvariantId } from '../helpers/session-model/invariants.js';
import { CARRIED_LATCH_MODEL, CI_MODEL } from '../helpers/session-model/models.js';
import { describeEvent, explore, replay } from '../helpers/session-model/session-model.js';

const MACHINE_STATES = ['idle', 'setup', 'mlcPositioning', 'ready', 'beamOn', 'beamHold', 'fault', 'aborted', 'fractionComplete'];

describe('session statechart enumeration (@xstate/graph, abstract room)', () => {
  it('keeps every safety invariant on every edge of the 1-beam × 2-segment conventional model', { timeout: 240_000 }, () => {
    const r = explore(CI_MODEL);
    console.log(`enumeration ${r.name}: ${r.states} states, ${r.edges} edges, ${r.ms} ms, ${r.violationCount} violations`, r.statesByMachineState);
    expect(r.violations.map((v) => `${v.invariant}: ${v.detail} via ${v.path.map(describeEvent).join(' → ')}`)).toEqual([]);
    // the model reaches every top-level state, so the invariants were judged on edges into and out of each
    expect(Object.keys(r.statesByMachineState).sort()).toEqual([...MACHINE_STATES].sort());
    expect(r.edges).toBeGreaterThan(r.states);
  });

  it('keeps every safety invariant on every edge when the session starts with a latch carried over a restart', { timeout: 240_000 }, () => {
    const r = explore(CARRIED_LATCH_MODEL);
    console.log(`enumeration ${r.name}: ${r.states} states, ${r.edges} edges, ${r.ms} ms, ${r.violationCount} violations`, r.statesByMachineState);
    expect(r.violations.map((v) => `${v.invariant}: ${v.detail} via ${v.path.map(describeEvent).join(' → ')}`)).toEqual([]);
    // started in fault, the operator's RESET leads on to a whole fraction
    expect(Object.keys(r.statesByMachineState).sort()).toEqual([...MACHINE_STATES].sort());
  });

  describe('the checker catches a deliberately broken machine', () => {
    it.each(Object.keys(INVARIANTS) as InvariantId[])('%s: found, with a path that replays to the violation', { timeout: 120_000 }, (id) => {
      const broken = BROKEN_MACHINES[id];
      const opts = { ...CI_MODEL, machine: broken.machine(), stopAfterViolations: 1 };
      const r = explore(opts);
      expect(r.violations.map((v) => v.invariant), broken.fault).toContain(id);
      const found = r.violations.find((v) => v.invariant === id)!;
      const { steps } = replay(opts, found.path);
      expect(steps.at(-1)!.violations.map((v) => v.invariant)).toContain(id);
      // the same path on the real machine breaks nothing
      expect(replay(CI_MODEL, found.path).steps.flatMap((s) => s.violations)).toEqual([]);
    });
  });
});
