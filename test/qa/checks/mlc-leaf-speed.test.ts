import { afterEach, describe, expect, it } from 'vitest';
import { LEAF_SPEED_CHECK, mlcLeafSpeedCheck } from '../../../src/qa/checks/mlc-leaf-speed.js';
import type { QaTolerance } from '../../../src/qa/qa-types.js';
import { startQaMlcRoom, type QaMlcRig } from '../../helpers/qa-mlc-room.js';

// TG-142 monthly (IMRT): a loss of more than 0.5 cm/s is flagged
const monthly: QaTolerance = { tolerance: 5, action: 3, unit: 'mm/s', source: 'AAPM TG-142 Table V (test row)' };
let rig: QaMlcRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

// the room runs at time scale 1: speeds are read against the bridge's clock
describe('MLC leaf speed check (readback over time)', () => {
  it('passes every leaf of a healthy MLC at its rated speed', async () => {
    rig = await startQaMlcRoom(1);
    const r = await mlcLeafSpeedCheck(rig.room, monthly);
    expect(r.name).toBe(LEAF_SPEED_CHECK);
    expect(r.items).toHaveLength(120);
    expect(r.status).toBe('pass');
    const rated = rig.room.model.maxLeafSpeedMmPerS;
    for (const i of r.items) expect(Math.abs(i.measured - rated)).toBeLessThan(1);
  }, 30_000);

  it('flags exactly B3 when it moves no faster than 15 mm/s, and measures that speed', async () => {
    rig = await startQaMlcRoom(1);
    rig.sim.mlc.setLeafFault('B', 3, { speedMmPerS: 15 });
    const r = await mlcLeafSpeedCheck(rig.room, monthly);
    expect(r.status).toBe('fail');
    const flagged = r.items.filter((i) => i.status !== 'pass');
    expect(flagged.map((i) => i.id)).toEqual(['B3']);
    // stated tolerance: within 1 mm/s of the injected speed (readback stamped at mid-request on a loaded machine)
    expect(Math.abs(flagged[0].measured - 15)).toBeLessThan(1);
  }, 30_000);
});
