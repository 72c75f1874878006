/**
 * From the plan model to what the session delivers, and the JSON plans as the
 * model: STATIC beams become bixel apertures whose leaves are the plan's;
 * DYNAMIC beams carry their leaf trajectory; ARC beams are refused before anything moves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MACHINE } from '../../../src/config/bridge-config.js';
import { loadAllMlcModels, loadMlcModel } from '../../../src/config/load-config.js';
import { BridgeError } from '../../../src/core/bridge-error.js';
import { apertureToLeaves } from '../../../src/domain/plan/aperture-leaves.js';
import { dynamicBeamTrajectory, staticSegments } from '../../../src/domain/plan/beam-segments.js';
import { toDeliveryPlan, type DeliveryOptions } from '../../../src/domain/plan/delivery-plan.js';
import { importRtPlanBytes } from '../../../src/domain/plan/dicom/import-rt-plan.js';
import { fromJsonPlan } from '../../../src/domain/plan/json-plan.js';
import { checkPlan } from '../../../src/domain/plan/plan-checks.js';
import { beamMu } from '../../../src/domain/plan/plan.js';
import { examplePlan } from '../../helpers/session-harness.js';

const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/rtplan');
const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
const models = loadAllMlcModels();
const importFile = (f: string) => importRtPlanBytes(fs.readFileSync(path.join(dir, f)), models);
const agility = loadMlcModel('agility');
const millennium = loadMlcModel('millennium-120');
const delivery = { maxMuPerBeam: 999, minMuPerBeam: 1, minMuPerSegment: 1 };
const opts = (mlc = agility): DeliveryOptions => ({ mlc, protocol: 'conventional', protocols: ['conventional'], delivery, fraction: 1, doseRateFor: () => 600 });

describe('toDeliveryPlan', () => {
  it('delivers each STATIC beam as one segment with its meterset and exactly its open leaves', () => {
    const model = importFile('derived/agility-2beam-explicit.dcm');
    const plan = toDeliveryPlan(model, opts());
    expect(plan.planId).toBe('AMC06MV');
    expect(plan.beams.map((b) => [b.id, beamMu(b), b.segments.length, b.doseRateMuPerMin])).toEqual([[1, 20, 1, 600], [2, 30, 1, 600]]);
    plan.beams.forEach((b, i) => {
      const cp = expected['derived/agility-2beam-explicit.dcm'].beams[i].controlPoints[0].devices;
      const [y1, y2] = cp.ASYMY as number[];
      const leaves = apertureToLeaves(b.segments[0].rows, b.grid, agility);
      const bounds = model.beams[i].mlc!.boundariesMm;
      for (let p = 0; p < 80; p++) {
        if (bounds[p + 1] <= y1 || bounds[p] >= y2) continue; // behind the Y jaws: parked by the bridge
        expect([leaves.bankBMm[p], leaves.bankAMm[p]]).toEqual([cp.MLCX[p], cp.MLCX[80 + p]]);
      }
    });
  });

  it('delivers a beam without an MLC with the leaves at its X jaws inside its Y jaws', () => {
    const plan = toDeliveryPlan(importFile('pydicom_rtplan_jaws_only.dcm'), opts(millennium));
    const b = plan.beams[0];
    const leaves = apertureToLeaves(b.segments[0].rows, b.grid, millennium);
    // millennium-120 pairs 10…49 lie inside Y -100…100 mm
    for (let p = 10; p < 50; p++) expect([leaves.bankBMm[p], leaves.bankAMm[p]]).toEqual([-100, 100]);
    expect(b.segments[0].rows.filter((r) => r !== null)).toHaveLength(40);
    expect(beamMu(b)).toBeCloseTo(116.0036697, 9);
  });

  it('delivers a DYNAMIC beam as its trajectory: every control point\'s leaves (values from dcmdump), one segment of the beam meterset', () => {
    const plan = toDeliveryPlan(importFile('dicompyler_rtplan_dmlc_m120.dcm'), opts(millennium));
    const e = expected['dicompyler_rtplan_dmlc_m120.dcm'];
    expect(plan.beams.map((b) => [b.id, b.segments.length, b.segments[0].mu, b.trajectory?.length])).toEqual(e.beams.map((b: { number: number; meterset: number; controlPoints: unknown[] }) => [b.number, 1, b.meterset, b.controlPoints.length]));
    plan.beams.forEach((b, i) => {
      b.trajectory!.forEach((p, k) => {
        const cp = e.beams[i].controlPoints[k];
        expect(p.metersetWeight).toBeCloseTo(cp.weight, 9);
        const mlcx = cp.devices.MLCX as number[];
        for (let r = 0; r < 60; r++) {
          const [bb, a] = [mlcx[r], mlcx[60 + r]];
          // a pair closed below the 0.5 mm minimum gap (behind the jaws) is opened to it about its centre
          if (a - bb >= millennium.minGapMm) expect([p.positions.bankBMm[r], p.positions.bankAMm[r]]).toEqual([bb, a]);
          else expect([p.positions.bankBMm[r], p.positions.bankAMm[r]]).toEqual([(a + bb) / 2 - 0.25, (a + bb) / 2 + 0.25]);
        }
      });
    });
  });

  it('refuses an arc naming the beam and the gantry rotation, even when other beams are static', () => {
    try {
      toDeliveryPlan(importFile('derived/arc.dcm'), opts());
      expect.unreachable();
    } catch (e) {
      expect((e as BridgeError).field).toBe('plan.beams.0.controlPoints.gantryRotation');
      expect((e as BridgeError).message).toMatch(/beam 1 \(02x02\) is an arc/);
    }
  });
});

describe('beam segments and trajectories', () => {
  it('gives segment MU from the meterset weights (Δweight × Beam Meterset)', () => {
    expect(staticSegments(importFile('derived/agility-2beam-explicit.dcm').beams[1]).map((s) => [s.fromControlPoint, s.toControlPoint, s.mu])).toEqual([[0, 1, 30]]);
  });

  it('gives a DYNAMIC beam its control points with cumulative MU = weight × meterset (values from dcmdump)', () => {
    const beam = importFile('dicompyler_rtplan_dmlc_m120.dcm').beams[2];
    const e = expected['dicompyler_rtplan_dmlc_m120.dcm'].beams[2];
    const t = dynamicBeamTrajectory(beam);
    expect(t).toHaveLength(103);
    t.forEach((p, k) => {
      expect(p.cumulativeMu).toBeCloseTo(e.controlPoints[k].weight * e.meterset, 9);
      expect([...p.leaves!.bankBMm, ...p.leaves!.bankAMm]).toEqual(e.controlPoints[k].devices.MLCX);
    });
  });
});

describe('JSON plans as the plan model', () => {
  it('turns each segment into two control points with the delivered leaves, weights 0 … 1, technique STATIC', () => {
    const model = fromJsonPlan(examplePlan, millennium);
    model.beams.forEach((b, i) => {
      const src = examplePlan.beams[i];
      expect(b.technique).toBe('STATIC');
      expect(b.metersetMu).toBe(beamMu(src));
      expect(b.controlPoints).toHaveLength(2 * src.segments.length);
      expect(b.controlPoints[0].cumulativeWeight).toBe(0);
      expect(b.controlPoints.at(-1)!.cumulativeWeight).toBe(1);
      staticSegments(b).forEach((s, k) => {
        expect(s.mu).toBeCloseTo(src.segments[k].mu, 9);
        expect(s.leaves).toEqual(apertureToLeaves(src.segments[k].rows, src.grid, millennium));
      });
    });
  });

  it('passes the plan checks on the machine the example plans are made for', () => {
    const machine = { beams: DEFAULT_MACHINE.beams.map((b) => ({ ...b })), jawTravel: { minMm: -200, maxMm: 200 } };
    expect(checkPlan(fromJsonPlan(examplePlan, millennium), { machine, mlc: millennium, delivery: { maxMuPerBeam: 999, minMuPerBeam: 1, minMuPerSegment: 1 } })).toEqual([]);
  });

  it('converts back to a delivery plan with the same MU per segment and the same open leaves', () => {
    const back = toDeliveryPlan(fromJsonPlan(examplePlan, millennium), { ...opts(millennium), doseRateFor: () => 600 });
    back.beams.forEach((b, i) => {
      const src = examplePlan.beams[i];
      b.segments.forEach((s, k) => expect(s.mu).toBeCloseTo(src.segments[k].mu, 9)); // weight × meterset: within float rounding
      b.segments.forEach((s, k) => {
        const a = apertureToLeaves(s.rows, b.grid, millennium);
        const o = apertureToLeaves(src.segments[k].rows, src.grid, millennium);
        src.segments[k].rows.forEach((iv, r) => {
          const p = src.grid.firstLeafPair + r;
          if (iv) expect([a.bankBMm[p], a.bankAMm[p]]).toEqual([o.bankBMm[p], o.bankAMm[p]]);
        });
      });
    });
  });
});
