/**
 * A DynaLog A/B pair as one MachineLog. Leaves are logged in 0.01 mm at the
 * MLC plane; × 1.96078 gives the isocentre plane (pylinac's constant, citing
 * the Varian MLC maintenance guide p.135). Kept snapshots: beam on (col 3 = 1)
 * and no hold-off (col 2 = 0), as pylinac. The meterset is the dose fraction
 * (col 0 / 25000). DynaLogs are written every 50 ms (pylinac).
 */
import { DYNALOG_DOSE_FRACTION_FULL, DynalogColumn, dynalogLeafColumn, type DynalogPair } from '../../protocol/logs/dynalog.js';
import { leafBoundaries, type MachineLog } from './machine-log.js';

export const DYNALOG_MLC_TO_ISO = 1.96078;
const HUNDREDTH_MM_TO_ISO_MM = DYNALOG_MLC_TO_ISO / 100;
const DYNALOG_INTERVAL_MS = 50;

export function machineLogFromDynalog(pair: DynalogPair): MachineLog {
  const P = pair.a.header.leavesPerBank;
  const S = pair.a.snapshots;
  const leaves = 2 * P;
  const cols = pair.a.columns;
  const expectedMm = new Float32Array(S * leaves);
  const actualMm = new Float32Array(S * leaves);
  const kept = new Uint8Array(S);
  const mu = new Float64Array(S);
  const jaws = new Float32Array(S * 4);
  const jawCols = [DynalogColumn.x1, DynalogColumn.x2, DynalogColumn.y1, DynalogColumn.y2];
  for (let s = 0; s < S; s++) {
    const ra = s * cols;
    [pair.a, pair.b].forEach((bank, side) => {
      for (let k = 0; k < P; k++) {
        expectedMm[s * leaves + side * P + k] = bank.values[ra + dynalogLeafColumn(k, 'expected')] * HUNDREDTH_MM_TO_ISO_MM;
        actualMm[s * leaves + side * P + k] = bank.values[ra + dynalogLeafColumn(k, 'actual')] * HUNDREDTH_MM_TO_ISO_MM;
      }
    });
    kept[s] = pair.a.values[ra + DynalogColumn.beamOn] === 1 && pair.a.values[ra + DynalogColumn.beamHoldOff] === 0 ? 1 : 0;
    mu[s] = pair.a.values[ra + DynalogColumn.doseFraction] / DYNALOG_DOSE_FRACTION_FULL;
    jawCols.forEach((c, k) => (jaws[s * 4 + k] = pair.a.values[ra + c]));
  }
  const { boundariesMm, name } = leafBoundaries(P);
  return {
    format: 'dynalog', version: pair.a.header.formatLetter, samplingIntervalMs: DYNALOG_INTERVAL_MS, snapshots: S, leafPairs: P,
    expectedMm, actualMm, kept, expectedMu: mu, actualMu: mu, expectedJawsMm: jaws, actualJawsMm: jaws, leafBoundariesMm: boundariesMm, mlcName: name,
  };
}
