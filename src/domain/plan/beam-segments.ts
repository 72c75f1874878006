/**
 * What a beam delivers, in the two forms delivery needs:
 * - `staticSegments`: the step-and-shoot segments of a STATIC beam, one per
 *   pair of consecutive control points that delivers MU (equal leaves and jaws
 *   at both ends); MU = Δ(cumulative weight) × Beam Meterset. Control point
 *   pairs with no weight between them are beam-off moves and give no segment.
 * - `dynamicBeamTrajectory`: every control point of a DYNAMIC beam with its
 *   cumulative MU and leaf positions (leaves move linearly in MU between
 *   control points: PS3.3 C.8.8.14, Control Point Sequence), for dynamic delivery and log analysis.
 */
import { BridgeError } from '../../core/bridge-error.js';
import { sameJaws, sameLeaves } from './beam-technique.js';
import type { JawPositions, LeafPositions, RtBeam } from './rt-plan.js';

export interface BeamSegment {
  /** Control points that open and close the segment. */
  readonly fromControlPoint: number;
  readonly toControlPoint: number;
  readonly mu: number;
  readonly leaves?: LeafPositions;
  readonly jaws: JawPositions;
}

export interface TrajectoryPoint {
  readonly controlPoint: number;
  /** MU delivered from the start of the beam to this control point. */
  readonly cumulativeMu: number;
  readonly leaves?: LeafPositions;
  readonly jaws: JawPositions;
}

const refuse = (beam: RtBeam, want: string) =>
  new BridgeError('PLAN_INVALID', `beam ${beam.number} (${beam.name}) is ${beam.technique}, not ${want}`, { field: `plan.beam${beam.number}.technique`, actual: beam.technique, limit: want });

export function staticSegments(beam: RtBeam): BeamSegment[] {
  if (beam.technique !== 'STATIC') throw refuse(beam, 'STATIC');
  const cps = beam.controlPoints;
  const out: BeamSegment[] = [];
  for (let k = 1; k < cps.length; k++) {
    const dw = cps[k].cumulativeWeight - cps[k - 1].cumulativeWeight;
    if (dw <= 0) continue;
    // beamTechnique has judged these equal; kept as an assertion so a segment never mixes two apertures
    if (!sameLeaves(cps[k].leaves, cps[k - 1].leaves) || !sameJaws(cps[k].jaws, cps[k - 1].jaws)) throw refuse(beam, 'STATIC');
    out.push({ fromControlPoint: k - 1, toControlPoint: k, mu: dw * beam.metersetMu, ...(cps[k].leaves ? { leaves: cps[k].leaves } : {}), jaws: cps[k].jaws });
  }
  return out;
}

export function dynamicBeamTrajectory(beam: RtBeam): TrajectoryPoint[] {
  if (beam.technique !== 'DYNAMIC') throw refuse(beam, 'DYNAMIC');
  return beam.controlPoints.map((c) => ({ controlPoint: c.index, cumulativeMu: c.cumulativeWeight * beam.metersetMu, ...(c.leaves ? { leaves: c.leaves } : {}), jaws: c.jaws }));
}
