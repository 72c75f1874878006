/**
 * Fluence delivered by a list of MLC apertures on a bixel grid (native kernel).
 * Units: fluence in MU; rows are leaf pairs, columns are bixels along leaf travel.
 */
import { BridgeError } from '../core/bridge-error.js';
import { native } from './native.js';

/** One aperture: per row the open bixel interval [first, last] (inclusive, 0-based) or null when closed. */
export interface Aperture {
  readonly mu: number;
  readonly rows: ReadonlyArray<readonly [number, number] | null>;
}

export interface FluenceGrid {
  readonly rows: number;
  readonly cols: number;
  /** Row-major, rows * cols values in MU. */
  readonly values: Float64Array;
}

function pack(rows: number, apertures: readonly Aperture[]): { intervals: Int32Array; weights: Float64Array } {
  const intervals = new Int32Array(apertures.length * rows * 2).fill(-1);
  const weights = new Float64Array(apertures.length);
  apertures.forEach((a, k) => {
    if (a.rows.length !== rows) {
      throw new BridgeError('INPUT_INVALID', 'aperture row count differs from the grid', { field: `segments[${k}].rows`, actual: a.rows.length, limit: rows });
    }
    if (!Number.isFinite(a.mu) || a.mu < 0) throw new BridgeError('INPUT_INVALID', 'segment MU must be finite and >= 0', { field: `segments[${k}].mu`, actual: a.mu, unit: 'MU' });
    weights[k] = a.mu;
    a.rows.forEach((iv, r) => {
      if (!iv) return;
      intervals[(k * rows + r) * 2] = iv[0];
      intervals[(k * rows + r) * 2 + 1] = iv[1];
    });
  });
  return { intervals, weights };
}

export function accumulateFluence(rows: number, cols: number, apertures: readonly Aperture[]): FluenceGrid {
  const { intervals, weights } = pack(rows, apertures);
  return { rows, cols, values: native().accumulateFluence(rows, cols, intervals, weights) };
}

/** Same as accumulateFluence, computed on a worker thread of the addon. */
export async function accumulateFluenceAsync(rows: number, cols: number, apertures: readonly Aperture[]): Promise<FluenceGrid> {
  const { intervals, weights } = pack(rows, apertures);
  return { rows, cols, values: await native().accumulateFluenceAsync(rows, cols, intervals, weights) };
}
