/**
 * Gamma index of an evaluated dose (or fluence) distribution against a
 * reference on the same grid (native kernel, on a worker thread).
 * Definition: Low, Harms, Mutic, Purdy 1998, "A technique for the quantitative
 * evaluation of dose distributions", Med Phys 25(5):656–661. Search: Wendling
 * et al. 2007, "A fast algorithm for gamma evaluation in 3D", Med Phys
 * 34(5):1647–1654 — the evaluated grid interpolated (multilinear) at offsets on
 * a grid of `stepMm`, visited by increasing distance up to `radiusMm`, each
 * point's search stopping once the distance term reaches its smallest gamma.
 */
import os from 'node:os';
import { BridgeError } from '../core/bridge-error.js';
import { native } from './native.js';

export interface GammaCriteria {
  /** Dose difference criterion, % of the reference maximum (global) or of the local reference dose. */
  readonly dosePercent: number;
  readonly distanceMm: number;
  readonly local: boolean;
  /** Reference points below this % of the reference maximum are not evaluated. */
  readonly cutoffPercent: number;
  /** Search step; default a tenth of the distance criterion. */
  readonly stepMm?: number;
  /** Search radius; default twice the distance criterion (γ is then exact up to 2). */
  readonly radiusMm?: number;
}

export interface GammaGrid {
  /** Points per axis, slowest first: [ny, nx] or [nz, ny, nx]. */
  readonly shape: readonly number[];
  /** Spacing per axis in the same order, mm. */
  readonly spacingMm: readonly number[];
}

export interface GammaOutcome {
  readonly criteria: string;
  /** Points at or above the cutoff. */
  readonly evaluated: number;
  /** % of evaluated points with γ ≤ 1. */
  readonly passPercent: number;
  readonly mean: number;
  readonly gamma: Float32Array;
}

export const describeCriteria = (c: GammaCriteria): string =>
  `${c.dosePercent}%/${c.distanceMm}mm ${c.local ? 'local' : 'global'}, cutoff ${c.cutoffPercent}%`;

/** `threads`: worker threads of the kernel (default: every core). */
export async function gamma(reference: Float64Array, evaluated: Float64Array, grid: GammaGrid, c: GammaCriteria, threads = os.availableParallelism()): Promise<GammaOutcome> {
  const dims = grid.shape.length;
  if ((dims !== 2 && dims !== 3) || grid.spacingMm.length !== dims) {
    throw new BridgeError('INPUT_INVALID', 'gamma needs a 2D or 3D grid with one spacing per axis', { field: 'grid.shape', actual: dims, limit: '2 or 3' });
  }
  for (const [name, v] of [['dosePercent', c.dosePercent], ['distanceMm', c.distanceMm]] as const) {
    if (!(v > 0)) throw new BridgeError('INPUT_INVALID', 'gamma criterion must be > 0', { field: `gamma.${name}`, actual: v, limit: '> 0' });
  }
  const [nz, ny, nx] = dims === 3 ? grid.shape : [1, ...grid.shape];
  const [sz, sy, sx] = dims === 3 ? grid.spacingMm : [1, ...grid.spacingMm];
  const r = await native().gammaAsync(reference, evaluated, {
    nz, ny, nx, spacingZMm: sz, spacingYMm: sy, spacingXMm: sx,
    dosePercent: c.dosePercent, distanceMm: c.distanceMm, cutoffPercent: c.cutoffPercent, local: c.local,
    stepMm: c.stepMm ?? c.distanceMm / 10, radiusMm: c.radiusMm ?? 2 * c.distanceMm,
    threads: Math.max(1, Math.floor(threads)),
  });
  return {
    criteria: describeCriteria(c),
    evaluated: r.evaluated,
    passPercent: r.evaluated ? (100 * r.passed) / r.evaluated : 100,
    mean: r.evaluated ? r.sum / r.evaluated : 0,
    gamma: r.gamma,
  };
}
