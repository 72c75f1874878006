/** A JSON plan's dynamic beam: its trajectory checked against the MLC model, each refusal naming the field. */
import { describe, expect, it } from 'vitest';
import { loadMlcModel } from '../../../src/config/load-config.js';
import { validatePlan } from '../../../src/domain/plan/validate-plan.js';
import { fromJsonPlan } from '../../../src/domain/plan/json-plan.js';
import { dynamicPlanJson } from '../../helpers/dynamic-plan.js';

const mlc = loadMlcModel('millennium-120');
const delivery = { maxMuPerBeam: 999, minMuPerBeam: 1, minMuPerSegment: 1 };
const validate = (raw: unknown) => validatePlan(raw, mlc, ['conventional'], delivery);
const broken = (f: (t: any[]) => void, o: { doseRateMuPerMin?: number } = {}) => {
  const raw = dynamicPlanJson(mlc, o) as any;
  f(raw.beams[0].trajectory);
  return raw;
};

describe('a JSON plan beam with a trajectory', () => {
  it('validates, and its model is a DYNAMIC beam with one control point per trajectory point', () => {
    const plan = validate(dynamicPlanJson(mlc));
    expect(plan.beams[0].trajectory).toHaveLength(11);
    const model = fromJsonPlan(plan, mlc);
    expect(model.beams[0].technique).toBe('DYNAMIC');
    expect(model.beams[0].controlPoints.map((c) => c.cumulativeWeight)).toEqual(plan.beams[0].trajectory!.map((p) => p.metersetWeight));
  });

  it.each([
    ['weights that do not start at 0', (t: any[]) => (t[0].metersetWeight = 0.01), 'plan.beams.0.trajectory.0.metersetWeight'],
    ['weights that do not end at 1', (t: any[]) => (t[10].metersetWeight = 0.99), 'plan.beams.0.trajectory.10.metersetWeight'],
    ['decreasing weights', (t: any[]) => (t[5].metersetWeight = 0.35), 'plan.beams.0.trajectory.5.metersetWeight'],
    ['a leaf beyond travel', (t: any[]) => (t[3].positions.bankAMm[29] = 250), 'plan.beams.0.trajectory.3.positions.bankAMm.29'],
    ['a gap below the minimum', (t: any[]) => (t[3].positions.bankBMm[29] = t[3].positions.bankAMm[29] - 0.4), 'plan.beams.0.trajectory.3.positions.bankAMm.29'],
    ['a missing leaf pair', (t: any[]) => t[2].positions.bankAMm.pop(), 'plan.beams.0.trajectory.2.positions'],
  ])('refuses %s naming the field', (_what, f, field) => {
    expect(() => validate(broken(f))).toThrowError(expect.objectContaining({ code: 'PLAN_INVALID', field }));
  });

  it('refuses a leaf faster than the MLC between two points at the beam dose rate', () => {
    // 3 mm per 3 MU at 300 MU/min is 5 mm/s; at 2400 MU/min 40 mm/s, above the 25 mm/s of the Millennium 120
    expect(() => validate(broken(() => undefined, { doseRateMuPerMin: 2400 }))).toThrowError(expect.objectContaining({ code: 'PLAN_INVALID', field: 'plan.beams.0.trajectory.1.positions.28', unit: 'mm/s' }));
  });
});
