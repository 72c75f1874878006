import { afterEach, describe, expect, it } from 'vitest';
import { LEAF_POSITION_CHECK, mlcLeafPositionCheck } from '../../../src/qa/checks/mlc-leaf-position.js';
import type { QaTolerance } from '../../../src/qa/qa-types.js';
import { startQaMlcRoom, type QaMlcRig } from '../../helpers/qa-mlc-room.js';

const weekly: QaTolerance = { tolerance: 0.5, action: 0.3, unit: 'mm', source: 'MPPG 8.b weekly (test row)' };
let rig: QaMlcRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('MLC leaf position check (picket fence on the simulated EPID)', () => {
  it('passes every leaf of a healthy MLC, with the controller readback beside each', async () => {
    rig = await startQaMlcRoom(10);
    const r = await mlcLeafPositionCheck(rig.room, rig.sim.epid, weekly);
    expect(r.name).toBe(LEAF_POSITION_CHECK);
    expect(r.items).toHaveLength(120);
    expect(r.status).toBe('pass');
    const worst = Math.max(...r.items.map((i) => Math.abs(i.error)));
    expect(worst).toBeLessThan(0.05);
    expect(r.items.find((i) => i.id === 'A17')?.detail).toMatchObject({ readbackMm: expect.any(Number), targetMm: expect.any(Number) });
    expect(rig.progress.at(-1)?.[0]).toBe(1);
  }, 30_000);

  it('fails exactly A17 when it stands 0.8 mm off while its readback shows the target', async () => {
    rig = await startQaMlcRoom(10);
    rig.sim.mlc.setLeafFault('A', 17, { offsetMm: 0.8 });
    const r = await mlcLeafPositionCheck(rig.room, rig.sim.epid, weekly);
    expect(r.status).toBe('fail');
    const failed = r.items.filter((i) => i.status !== 'pass');
    expect(failed.map((i) => i.id)).toEqual(['A17']);
    expect(failed[0].error).toBeCloseTo(0.8, 1);
    expect(Math.abs(failed[0].error - 0.8)).toBeLessThanOrEqual(0.05);
    // the controller reads the target: only the image saw the error
    expect(failed[0].detail?.readbackMm).toBeCloseTo(failed[0].detail?.targetMm as number, 2);
  }, 30_000);
});
