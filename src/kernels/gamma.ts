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
    if (!(v > 0 && Number.isFinite(v))) throw new BridgeError('INPUT_INVALID', 'gamma criterion must be finite and > 0', { field: `gamma.${name}`, actual: v, limit: '> 0' });
  }
  const stepMm = c.stepMm ?? c.distanceMm / 10;
  const radiusMm = c.radiusMm ?? 2 * c.distanceMm;
  checkGammaArguments(reference, evaluated, grid, c, stepMm, radiusMm);
  const [nz, ny, nx] = dims === 3 ? grid.shape : [1, ...grid.shape];
  const [sz, sy, sx] = dims === 3 ? grid.spacingMm : [1, ...grid.spacingMm];
  const r = await native().gammaAsync(reference, evaluated, {
    nz, ny, nx, spacingZMm: sz, spacingYMm: sy, spacingXMm: sx,
    dosePercent: c.dosePercent, distanceMm: c.distanceMm, cutoffPercent: c.cutoffPercent, local: c.local,
    stepMm, radiusMm,
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

/**
 * Search offsets the kernel may hold: (2·⌊radius/step⌋ + 1)^dims. Each costs the kernel about
 * 200 bytes while it groups them by cell (measured: radius/step 100 in 3D, 4.2 M offsets, 1 GB
 * resident), so 3D at the native limit of 400 would ask for tens of GB and be killed with the
 * process. 10⁶ keeps it near 200 MB; the default (radius/step 20) is 41³ = 68 921 in 3D.
 */
export const GAMMA_MAX_OFFSETS = 1_000_000;

const bad = (field: string, summary: string, actual: string | number, limit: string | number, unit?: string) => new BridgeError('INPUT_INVALID', summary, { field, actual, limit, ...(unit ? { unit } : {}) });

/** Everything the native kernel would refuse with a bare RangeError, or accept and compute nonsense from, as a BridgeError naming the argument. */
function checkGammaArguments(reference: Float64Array, evaluated: Float64Array, grid: GammaGrid, c: GammaCriteria, stepMm: number, radiusMm: number): void {
  grid.shape.forEach((n, a) => {
    if (!(Number.isInteger(n) && n >= 1 && n <= 4096)) throw bad(`grid.shape[${a}]`, 'points per axis must be an integer', n, '1..4096');
  });
  grid.spacingMm.forEach((v, a) => {
    if (!(v > 0 && Number.isFinite(v))) throw bad(`grid.spacingMm[${a}]`, 'spacing must be finite and > 0', v, '> 0', 'mm');
  });
  const points = grid.shape.reduce((p, n) => p * n, 1);
  for (const [name, a] of [['reference', reference], ['evaluated', evaluated]] as const) {
    if (a.length !== points) throw bad(`gamma.${name}.length`, 'distribution size differs from the grid', a.length, points);
    for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k])) throw bad(`gamma.${name}[${k}]`, 'dose must be finite', String(a[k]), 'finite');
  }
  if (!(c.cutoffPercent >= 0 && c.cutoffPercent <= 100)) throw bad('gamma.cutoffPercent', 'cutoff out of range', c.cutoffPercent, '0..100', '%');
  if (!(stepMm > 0 && Number.isFinite(stepMm))) throw bad('gamma.stepMm', 'search step must be finite and > 0', stepMm, '> 0', 'mm');
  if (!(radiusMm >= 0 && Number.isFinite(radiusMm))) throw bad('gamma.radiusMm', 'search radius must be finite and >= 0', radiusMm, '>= 0', 'mm');
  const m = Math.floor(radiusMm / stepMm + 1e-9);
  const active = grid.shape.filter((n) => n > 1).length;
  const offsets = (2 * m + 1) ** active;
  if (m > 400 || offsets > GAMMA_MAX_OFFSETS) {
    throw bad('gamma.radiusMm', `search radius too large for its step: ${offsets} offsets`, radiusMm, `${Math.min(400, Math.floor((Math.floor(GAMMA_MAX_OFFSETS ** (1 / Math.max(1, active))) - 1) / 2))} steps of ${stepMm} mm`, 'mm');
  }
}
