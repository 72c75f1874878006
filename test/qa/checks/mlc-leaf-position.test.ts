import { afterEach, describe, expect, it } from 'vitest';
import type { SimRig } from '../../../src/cli/qa/sim-rig.js';
import { LEAF_POSITION_CHECK } from '../../../src/qa/checks/mlc-leaf-position.js';
import { runMlcLeafPosition } from '../../../src/qa/checks/mlc-checks.js';
import { checkOptions, records, startQaSim } from '../../helpers/qa-sim.js';

let sim: SimRig | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('MLC leaf position check (picket fence on the simulated EPID, QA-mode beams)', () => {
  it('passes every leaf of a healthy MLC against the weekly row, with the controller readback beside each', async () => {
    sim = await startQaSim();
    const progress: Array<[number, string]> = [];
    const from = records.length;
    const r = await runMlcLeafPosition(checkOptions(sim, false, { progress: (f, m) => progress.push([f, m]) }));
    expect(r.name).toBe(LEAF_POSITION_CHECK);
    expect(r.items).toHaveLength(120);
    expect(r.status).toBe('pass');
    expect(r.tolerance).toMatchObject({ tolerance: 0.5, source: expect.stringContaining('MPPG') });
    expect(Math.max(...r.items.map((i) => Math.abs(i.error)))).toBeLessThan(0.05);
    expect(r.items.find((i) => i.id === 'A17')?.detail).toMatchObject({ readbackMm: expect.any(Number), targetMm: expect.any(Number) });
    expect(progress.at(-1)?.[0]).toBe(1);
    // the pickets were QA beams of a physicist's QA-mode session, which was left again
    const ops = records.slice(from).filter((x) => x.kind === 'operator').map((x) => (x.data as { type: string }).type);
    expect(ops[0]).toBe('ENTER_QA');
    expect(ops.filter((t) => t === 'QA_SELECT_BEAM')).toHaveLength(5);
    expect(ops.filter((t) => t === 'BEAM_ON')).toHaveLength(5);
    expect(ops.at(-1)).toBe('EXIT_QA');
  }, 60_000);

  it('judges against the monthly row in a monthly run', async () => {
    sim = await startQaSim(['mlc.leaf.B30.offsetMm=-0.7']);
    const r = await runMlcLeafPosition(checkOptions(sim, false, { frequency: 'monthly' }));
    expect(r.tolerance).toMatchObject({ tolerance: 1, source: expect.stringContaining('TG-142') });
    const flagged = r.items.filter((i) => i.status !== 'pass');
    expect(flagged.map((i) => [i.id, i.status])).toEqual([['B30', 'action']]);
    expect(Math.abs(flagged[0].error - -0.7)).toBeLessThanOrEqual(0.05);
  }, 60_000);

  it('fails exactly A17 when it stands 0.8 mm off while its readback shows the target', async () => {
    sim = await startQaSim(['mlc.leaf.A17.offsetMm=0.8']);
    const r = await runMlcLeafPosition(checkOptions(sim));
    expect(r.status).toBe('fail');
    const failed = r.items.filter((i) => i.status !== 'pass');
    expect(failed.map((i) => i.id)).toEqual(['A17']);
    expect(Math.abs(failed[0].error - 0.8)).toBeLessThanOrEqual(0.05);
    // the controller reads the target: only the image saw the error
    // (within the controller's own arrival criterion, 0.05 mm — far from the 0.8 mm the leaf really stands off)
    expect(Math.abs((failed[0].detail?.readbackMm as number) - (failed[0].detail?.targetMm as number))).toBeLessThanOrEqual(0.05);
  }, 60_000);

  it('delivers no picket with the door open: the QA permit refuses, naming the door', async () => {
    // relaxed link timing: on a loaded machine a link stale for a moment is reported instead of the
    // door (the door is judged only from fresh linac status), a refusal too but not the one under test
    sim = await startQaSim([], { relaxed: true });
    sim.rig.room.setDoorOpen(true);
    await expect(runMlcLeafPosition(checkOptions(sim))).rejects.toMatchObject({ code: 'PERMIT_DENIED', actual: expect.stringContaining('IL-DOOR-OPEN') });
    expect(sim.room.beam.status.mu1).toBe(0);
  }, 60_000);
});
