/**
 * Delivery time of a step-and-shoot sequence: beam-on at the dose rate, leaf
 * travel between segments (the farthest-moving leaf at the model's speed) and
 * a fixed overhead per segment (beam off/on). Also a nearest-neighbour order
 * of segments that shortens travel (valid for unconstrained decompositions).
 */
import type { SequencedSegment } from './constraint-check.js';
import { parkClosedPairs } from './park-closed-pairs.js';

export interface DeliveryTime {
  readonly beamOnS: number;
  readonly leafTravelS: number;
  readonly overheadS: number;
  readonly totalS: number;
}

/** Leaf edges of each row; closed rows where the plan parks them (`parkClosedPairs`, nearest the middle). */
function edges(s: SequencedSegment, cols: number): Array<[number, number]> {
  if (s.edges) return s.edges.map((e) => [e[0], e[1]]);
  const open = s.rows.map((iv) => (iv ? ([iv[0], iv[1] + 1] as const) : null));
  const park = parkClosedPairs(open, 0, cols / 2);
  return open.map((o, r) => (o ? [o[0], o[1]] : [park[r], park[r]]));
}

function travelEdges(a: Array<[number, number]>, b: Array<[number, number]>): number {
  let m = 0;
  for (let r = 0; r < a.length; r++) m = Math.max(m, Math.abs(a[r][0] - b[r][0]), Math.abs(a[r][1] - b[r][1]));
  return m;
}

export function orderForTravel<T extends SequencedSegment>(segments: readonly T[], cols: number): T[] {
  if (segments.length < 3) return [...segments];
  const left = segments.map((s) => ({ s, e: edges(s, cols) }));
  const out: T[] = [];
  let cur = left.map(() => [cols / 2, cols / 2] as [number, number]).slice(0, left[0].e.length);
  while (left.length) {
    let best = 0;
    let bestD = Infinity;
    left.forEach((x, i) => {
      const d = travelEdges(cur, x.e);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    });
    const [x] = left.splice(best, 1);
    out.push(x.s);
    cur = x.e;
  }
  return out;
}

export function deliveryTime(segments: readonly SequencedSegment[], tnmu: number, o: { bixelWidthMm: number; maxLeafSpeedMmPerS: number; doseRateMuPerMin: number; segmentOverheadS: number; cols: number }): DeliveryTime {
  let travel = 0;
  let prev: Array<[number, number]> | undefined;
  for (const s of segments) {
    const e = edges(s, o.cols);
    if (prev) travel += (travelEdges(prev, e) * o.bixelWidthMm) / o.maxLeafSpeedMmPerS;
    prev = e;
  }
  const beamOnS = (tnmu / o.doseRateMuPerMin) * 60;
  const overheadS = segments.length * o.segmentOverheadS;
  return { beamOnS, leafTravelS: travel, overheadS, totalS: beamOnS + travel + overheadS };
}
