/**
 * The normalised plan `plan show` prints: identity, geometry and per beam the
 * technique, energy, meterset, control-point count and matched MLC. `full`
 * adds every control point (cumulative MU, angles, jaws, leaves).
 */
import type { RtPlan } from './rt-plan.js';

export function planSummary(p: RtPlan, full = false): Record<string, unknown> {
  return {
    patientId: p.patientId,
    planLabel: p.planLabel,
    isocenterLpsMm: p.isocenterLpsMm ?? null,
    patientPosition: p.patientPosition ?? null,
    frameOfReferenceUid: p.frameOfReferenceUid ?? null,
    fractionsPlanned: p.fractionsPlanned ?? null,
    toleranceTables: p.toleranceTables,
    beams: p.beams.map((b) => ({
      number: b.number,
      name: b.name,
      technique: b.technique,
      beamType: b.beamType,
      machine: b.machine,
      energy: b.energy,
      meterset: b.metersetMu,
      controlPoints: full ? b.controlPoints.map((c) => ({ ...c, cumulativeMu: c.cumulativeWeight * b.metersetMu })) : b.controlPoints.length,
      gantryDeg: b.controlPoints[0].gantryDeg,
      collimatorDeg: b.controlPoints[0].collimatorDeg,
      couchDeg: b.controlPoints[0].couchDeg,
      doseRateMuPerMin: b.controlPoints[0].doseRateMuPerMin ?? null,
      mlc: b.mlc ? { model: b.mlc.model, pairs: b.mlc.pairs } : null,
      accessories: b.accessories,
    })),
  };
}
