/**
 * The project's JSON plan (plan.ts) seen as the plan model. A JSON plan is the
 * delivery form: step-and-shoot segments as bixel apertures, delivered as they
 * are. Its model has, per beam, two control points per segment (segment k opens
 * at control point 2k and closes at 2k + 1 with the same leaves; the leaves move
 * with no MU between 2k + 1 and 2k + 2), leaves from apertureToLeaves (closed
 * pairs parked as delivered), gantry from the beam, collimator and couch 0°,
 * no jaws, and the beam's dose rate. JSON plans state no energy: their model
 * says 6 MV photons (STANDARD), the beam every configured machine is expected
 * to have, and no treatment machine name. A beam with a `trajectory` is DYNAMIC:
 * its control points are the trajectory's.
 */
import { leafBoundariesMm, type MlcModel } from '../../config/mlc-model.js';
import { apertureToLeaves } from './aperture-leaves.js';
import { beamMu, type Plan, type PlanBeam } from './plan.js';
import type { ControlPoint, RtBeam, RtPlan } from './rt-plan.js';

export const JSON_PLAN_ENERGY = { radiationType: 'PHOTON', nominal: 6, fluenceMode: 'STANDARD' } as const;

export function fromJsonPlan(plan: Plan, mlc: MlcModel): RtPlan {
  return {
    patientId: plan.patientId,
    patientName: plan.patientName,
    planLabel: plan.planId,
    ...(plan.patientPosition ? { patientPosition: plan.patientPosition } : {}),
    ...(plan.frameOfReferenceUid ? { frameOfReferenceUid: plan.frameOfReferenceUid } : {}),
    ...(plan.isocenterLpsMm ? { isocenterLpsMm: plan.isocenterLpsMm } : {}),
    toleranceTables: [],
    beams: plan.beams.map((b) => jsonBeam(b, mlc)),
  };
}

function jsonBeam(b: PlanBeam, mlc: MlcModel): RtBeam {
  const total = beamMu(b);
  const controlPoints: ControlPoint[] = [];
  // a beam with a trajectory (DYNAMIC): its control points are the trajectory's
  if (b.trajectory) b.trajectory.forEach((p) => controlPoints.push(cp(b, controlPoints.length, p.metersetWeight, p.positions)));
  let delivered = 0;
  if (!b.trajectory) b.segments.forEach((s) => {
    const leaves = apertureToLeaves(s.rows, b.grid, mlc);
    const at = (mu: number): ControlPoint => ({
      index: controlPoints.length,
      cumulativeWeight: mu / total,
      gantryDeg: b.gantryDeg,
      gantryRotation: 'NONE',
      collimatorDeg: 0,
      collimatorRotation: 'NONE',
      couchDeg: 0,
      couchRotation: 'NONE',
      jaws: {},
      leaves,
      doseRateMuPerMin: b.doseRateMuPerMin,
    });
    controlPoints.push(at(delivered));
    delivered += s.mu;
    controlPoints.push(at(delivered));
  });
  return {
    number: b.id,
    name: b.name,
    beamType: b.trajectory ? 'DYNAMIC' : 'STATIC',
    technique: b.trajectory ? 'DYNAMIC' : 'STATIC',
    machine: '',
    energy: JSON_PLAN_ENERGY,
    metersetMu: total,
    mlc: { model: mlc.id, axis: 'MLCX', pairs: mlc.leafPairs, boundariesMm: leafBoundariesMm(mlc) },
    controlPoints,
    accessories: [],
  };
}

function cp(b: PlanBeam, index: number, cumulativeWeight: number, leaves: ControlPoint['leaves']): ControlPoint {
  return { index, cumulativeWeight, gantryDeg: b.gantryDeg, gantryRotation: 'NONE', collimatorDeg: 0, collimatorRotation: 'NONE', couchDeg: 0, couchRotation: 'NONE', jaws: {}, leaves, doseRateMuPerMin: b.doseRateMuPerMin };
}
