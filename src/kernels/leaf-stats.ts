/**
 * Leaf error statistics and fluence from logged leaf positions (native
 * kernels). Errors are actual − expected, over the kept snapshots only.
 */
import { BridgeError } from '../core/bridge-error.js';
import { native } from './native.js';
import type { NativeFluenceGrid, NativeLeafErrorStats } from './log-kernel-types.js';

export type LeafErrorStats = NativeLeafErrorStats;
export type FluenceGridSpec = NativeFluenceGrid;

/**
 * expected/actual: snapshots × leaves, mm; keep: 1 per kept snapshot.
 * Per leaf: RMS and max |error| and the std of the actual position; over all
 * leaves × kept snapshots: the 95th percentile (linear interpolation, as
 * numpy.percentile) and the maximum of |error|.
 */
export function leafErrorStats(expected: Float32Array, actual: Float32Array, keep: Uint8Array, leaves: number): LeafErrorStats {
  assertFinite({ expected, actual });
  return native().leafErrorStats(expected, actual, keep, leaves);
}

/**
 * Fluence on `grid` (IEC X along leaf travel, Y across, mm at isocentre):
 * snapshot s adds weight[s] (MU) over each pair's open rectangle
 * [tips left, tips right] × [boundaries[p], boundaries[p+1]] clipped by its
 * jaws (x1, x2, y1, y2 as IEC coordinates), exact pixel overlap in mm².
 */
export function leafFluence(tips: Float32Array, weight: Float64Array, jaws: Float32Array, boundariesMm: Float64Array, grid: FluenceGridSpec): Float64Array {
  assertFinite({ tips, weight, jaws, boundariesMm });
  return native().leafFluence(tips, weight, jaws, boundariesMm, grid);
}

/**
 * The kernels index pixels and sort by these values: a NaN or an infinity there is undefined
 * behaviour in C++ (a crash or an endless loop of the process that runs the session), so none
 * gets past this face.
 */
function assertFinite(arrays: Readonly<Record<string, Float32Array | Float64Array>>): void {
  for (const [name, a] of Object.entries(arrays)) {
    for (let k = 0; k < a.length; k++) {
      if (!Number.isFinite(a[k])) throw new BridgeError('INPUT_INVALID', 'kernel input must be finite', { field: `${name}[${k}]`, actual: String(a[k]), limit: 'finite' });
    }
  }
}
