/**
 * Places a fluence map's rows on real leaf pairs by their boundaries. Grid
 * rows of `rowHeightMm`, centred on the isocentre, must each fall on whole
 * leaves; a leaf wider than a row carries several rows, which must then be
 * equal (one leaf pair gives one profile), else the map is not deliverable.
 */
import type { MlcModel } from '../../config/mlc-model.js';
import { leafBoundariesMm } from '../../config/mlc-model.js';
import { BridgeError } from '../../core/bridge-error.js';
import { at, type FluenceMap } from './fluence-map.js';

export interface LeafMapping {
  /** The map re-expressed per leaf pair (rows = leaf pairs covered). */
  readonly map: FluenceMap;
  readonly firstLeafPair: number;
  /** Width of each mapped leaf pair, mm. */
  readonly leafWidthsMm: number[];
}

export function mapRowsToLeaves(map: FluenceMap, mlc: MlcModel, rowHeightMm?: number): LeafMapping {
  const bounds = leafBoundariesMm(mlc);
  if (rowHeightMm === undefined) {
    // one row per leaf pair, centred
    if (map.rows > mlc.leafPairs) throw new BridgeError('INPUT_INVALID', 'more rows than the MLC has leaf pairs', { field: 'map.rows', actual: map.rows, limit: mlc.leafPairs });
    const first = Math.floor((mlc.leafPairs - map.rows) / 2);
    return { map, firstLeafPair: first, leafWidthsMm: mlc.leafWidthsMm.slice(first, first + map.rows) };
  }
  const top = (-map.rows * rowHeightMm) / 2;
  const rowOf = (y: number) => Math.floor((y - top) / rowHeightMm + 1e-9);
  const leaves: number[] = [];
  for (let p = 0; p < mlc.leafPairs; p++) {
    const lo = bounds[p];
    const hi = bounds[p + 1];
    if (hi <= top + 1e-9 || lo >= top + map.rows * rowHeightMm - 1e-9) continue;
    if (lo < top - 1e-9 || hi > top + map.rows * rowHeightMm + 1e-9) throw new BridgeError('INPUT_INVALID', 'a leaf pair straddles the edge of the map', { field: `leaf ${p}`, actual: `${lo}..${hi} mm`, limit: `${top}..${-top} mm` });
    leaves.push(p);
  }
  const out = new Int32Array(leaves.length * map.cols);
  leaves.forEach((p, i) => {
    const r0 = rowOf(bounds[p] + 1e-6);
    const r1 = rowOf(bounds[p + 1] - 1e-6);
    for (let r = r0 + 1; r <= r1; r++) {
      for (let c = 0; c < map.cols; c++) {
        if (at(map, r, c) !== at(map, r0, c)) throw new BridgeError('INPUT_INVALID', `leaf pair ${p} covers map rows ${r0 + 1}..${r1 + 1}, which differ`, { field: `map:${r + 1}:${c + 1}`, actual: at(map, r, c), limit: at(map, r0, c) });
      }
    }
    for (let c = 0; c < map.cols; c++) out[i * map.cols + c] = at(map, r0, c);
  });
  return { map: { rows: leaves.length, cols: map.cols, values: out }, firstLeafPair: leaves[0], leafWidthsMm: leaves.map((p) => mlc.leafWidthsMm[p]) };
}
