/**
 * Converts between bixel apertures and MLC leaf positions. An open row
 * [first, last] puts bank B (X1) at the left edge of `first` and bank A (X2)
 * at the right edge of `last`; a closed row, and every leaf pair outside the
 * grid, is closed at the minimum gap where it keeps the no-interdigitation
 * rule with both neighbours (`parkClosedPairs`), as near the grid centre as that allows.
 */
import type { MlcModel } from '../../config/mlc-model.js';
import type { MlcPositions } from '../../protocol/mlc-protocol.js';
import { parkClosedPairs, type Opening } from '../sequencing/park-closed-pairs.js';
import type { BixelGrid } from './plan.js';

export function apertureToLeaves(rows: ReadonlyArray<readonly [number, number] | null>, grid: BixelGrid, mlc: MlcModel): MlcPositions {
  const half = mlc.minGapMm / 2;
  const centre = grid.originMm + (grid.cols * grid.bixelWidthMm) / 2;
  const openings: Opening[] = new Array<Opening>(mlc.leafPairs).fill(null);
  rows.forEach((iv, r) => {
    if (iv) openings[grid.firstLeafPair + r] = [grid.originMm + iv[0] * grid.bixelWidthMm, grid.originMm + (iv[1] + 1) * grid.bixelWidthMm];
  });
  const park = parkClosedPairs(openings, half, centre);
  const bankAMm = openings.map((o, p) => (o ? o[1] : park[p] + half));
  const bankBMm = openings.map((o, p) => (o ? o[0] : park[p] - half));
  return { bankAMm, bankBMm };
}

/**
 * Reads an aperture back from leaf readback: a row is open when its gap is
 * wider than half a bixel; edges snap to the nearest bixel boundary.
 * Returns undefined for a row whose leaves are not within `toleranceMm` of a boundary.
 */
export function leavesToAperture(pos: MlcPositions, grid: BixelGrid, toleranceMm: number): Array<[number, number] | null> | undefined {
  const out: Array<[number, number] | null> = [];
  for (let r = 0; r < grid.rows; r++) {
    const leaf = grid.firstLeafPair + r;
    const b = pos.bankBMm[leaf];
    const a = pos.bankAMm[leaf];
    if (a - b < grid.bixelWidthMm / 2) {
      out.push(null);
      continue;
    }
    const first = (b - grid.originMm) / grid.bixelWidthMm;
    const end = (a - grid.originMm) / grid.bixelWidthMm;
    const f = Math.round(first) + 0; // + 0 turns -0 into 0
    const e = Math.round(end) + 0;
    if (Math.abs(first - f) * grid.bixelWidthMm > toleranceMm || Math.abs(end - e) * grid.bixelWidthMm > toleranceMm) return undefined;
    out.push([f, e - 1]);
  }
  return out;
}
