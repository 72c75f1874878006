/**
 * How a beam is delivered, judged from its control points rather than from
 * Beam Type alone (step-and-shoot IMRT is written as DYNAMIC by some planning
 * systems and STATIC by others): ARC when the gantry turns, DYNAMIC when a leaf
 * or jaw moves between two control points that deliver MU, else STATIC.
 */
import type { BeamTechnique, ControlPoint, JawPositions, LeafPositions } from './rt-plan.js';

export function sameJaws(a: JawPositions, b: JawPositions): boolean {
  const eq = (p?: readonly [number, number], q?: readonly [number, number]) => (p === undefined ? q === undefined : q !== undefined && p[0] === q[0] && p[1] === q[1]);
  return eq(a.xMm, b.xMm) && eq(a.yMm, b.yMm);
}

export function sameLeaves(a?: LeafPositions, b?: LeafPositions): boolean {
  if (!a || !b) return a === b;
  return a.bankAMm.every((v, i) => v === b.bankAMm[i]) && a.bankBMm.every((v, i) => v === b.bankBMm[i]);
}

export function beamTechnique(cps: readonly ControlPoint[]): BeamTechnique {
  if (cps.some((c, k) => c.gantryRotation !== 'NONE' || (k > 0 && c.gantryDeg !== cps[k - 1].gantryDeg))) return 'ARC';
  for (let k = 1; k < cps.length; k++) {
    const delivers = cps[k].cumulativeWeight > cps[k - 1].cumulativeWeight;
    if (delivers && (!sameLeaves(cps[k].leaves, cps[k - 1].leaves) || !sameJaws(cps[k].jaws, cps[k - 1].jaws))) return 'DYNAMIC';
  }
  return 'STATIC';
}
