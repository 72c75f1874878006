/**
 * Where on its planned trajectory the whole MLC stands: a controller following
 * a dose-indexed trajectory trails the delivered dose by about one control
 * cycle (every leaf alike), and the two reads of the MU around a readback only
 * bracket it. The dose fraction d in [lo, hi] at which the planned positions
 * best match the readback (least squares with each leaf's term capped at 1 mm²,
 * so one lagging leaf cannot move it; the other leaves anchor it) is the whole
 * MLC's; each leaf's error is then taken there. Grid search, refined once.
 */
import { positionsAt, type MlcPositions, type TrajectoryPoint } from '../../protocol/mlc-protocol.js';

const STEPS = 32;

function cost(points: readonly TrajectoryPoint[], p: MlcPositions, d: number): number {
  const e = positionsAt(points, d);
  let c = 0;
  for (let i = 0; i < p.bankAMm.length; i++) c += Math.min(1, (p.bankAMm[i] - e.bankAMm[i]) ** 2) + Math.min(1, (p.bankBMm[i] - e.bankBMm[i]) ** 2);
  return c;
}

function bestOnGrid(points: readonly TrajectoryPoint[], p: MlcPositions, lo: number, hi: number): number {
  let best = hi;
  let bestCost = cost(points, p, hi);
  for (let k = 0; k < STEPS; k++) {
    const d = lo + ((hi - lo) * k) / STEPS;
    const c = cost(points, p, d);
    if (c < bestCost) [best, bestCost] = [d, c];
  }
  return best;
}

/** The dose fraction in [lo, hi] the readback `p` sits at on the planned trajectory. */
export function followedDoseFraction(points: readonly TrajectoryPoint[], p: MlcPositions, lo: number, hi: number): number {
  if (!(hi > lo)) return hi;
  const coarse = bestOnGrid(points, p, lo, hi);
  const step = (hi - lo) / STEPS;
  return bestOnGrid(points, p, Math.max(lo, coarse - step), Math.min(hi, coarse + step));
}
