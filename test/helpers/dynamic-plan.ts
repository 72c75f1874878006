/**
 * A small DYNAMIC (sliding-window) JSON plan for the Millennium 120 room: pairs
 * 28…31 sweep a 10 mm gap from X −20…−10 mm to 10…20 mm, linear in MU over
 * 11 control points; every other pair stays closed at the minimum gap about 0.
 * Its one segment is the beam MU over the envelope on a 1 mm grid (plan.ts).
 */
import type { MlcModel } from '../../src/config/mlc-model.js';

export const MOVING_PAIRS = [28, 29, 30, 31];

export function dynamicPlanJson(mlc: MlcModel, o: { mu?: number; doseRateMuPerMin?: number; id?: number } = {}) {
  const mu = o.mu ?? 30;
  const half = mlc.minGapMm / 2;
  const trajectory = Array.from({ length: 11 }, (_, k) => ({
    metersetWeight: k / 10,
    positions: {
      bankAMm: Array.from({ length: mlc.leafPairs }, (_, p) => (MOVING_PAIRS.includes(p) ? -10 + 3 * k : half)),
      bankBMm: Array.from({ length: mlc.leafPairs }, (_, p) => (MOVING_PAIRS.includes(p) ? -20 + 3 * k : -half)),
    },
  }));
  const origin = -20;
  const cols = 40;
  const rows = Array.from({ length: mlc.leafPairs }, (_, p): [number, number] => {
    const lo = Math.min(...trajectory.map((t) => t.positions.bankBMm[p]));
    const hi = Math.max(...trajectory.map((t) => t.positions.bankAMm[p]));
    return [Math.floor(lo - origin), Math.ceil(hi - origin) - 1];
  });
  return {
    patientId: 'PHANTOM-DYN', patientName: 'Phantom^Dynamic', planId: 'SW-1', fraction: 1, protocol: 'conventional', mlcModel: mlc.id,
    beams: [{
      id: o.id ?? 1, name: 'SW G000', gantryDeg: 0, doseRateMuPerMin: o.doseRateMuPerMin ?? 300,
      grid: { bixelWidthMm: 1, originMm: origin, firstLeafPair: 0, rows: mlc.leafPairs, cols },
      segments: [{ mu, rows }],
      fluence: rows.map(([a, b]) => Array.from({ length: cols }, (_, c) => (c >= a && c <= b ? mu : 0))),
      trajectory,
    }],
  };
}
