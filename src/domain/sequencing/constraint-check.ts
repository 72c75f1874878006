/**
 * Independent checks of a step-and-shoot sequence (kept apart from the native
 * sequencer on purpose): exact reconstruction, interleaf collisions,
 * tongue-and-groove, minimum gap, travel range, minimum MU and open area.
 * Each check reports its violation count.
 */
import type { Aperture } from '../../kernels/fluence.js';
import { accumulateFluence } from '../../kernels/fluence.js';
import { at, type FluenceMap } from './fluence-map.js';

export interface SequencedSegment extends Aperture {
  /** Leaf positions in bixel edges [left, right] per row, closed rows included (constrained sweeps). */
  readonly edges?: ReadonlyArray<readonly [number, number]>;
}

export interface ConstraintLimits {
  readonly bixelWidthMm: number;
  readonly minGapMm: number;
  readonly minSegmentMu: number;
  readonly minOpenAreaMm2: number;
  /** Leaf width per row, mm (for open area). */
  readonly rowWidthMm: readonly number[];
}

export interface ConstraintReport {
  readonly reconstruction: { readonly violations: number; readonly maxAbsErrorMu: number };
  readonly interdigitation: { readonly checked: boolean; readonly violations: number };
  readonly tongueAndGroove: { readonly checked: boolean; readonly violations: number };
  readonly minimumGap: { readonly violations: number; readonly limitMm: number };
  readonly travelRange: { readonly violations: number };
  readonly minimumSegmentMu: { readonly violations: number; readonly limitMu: number };
  readonly minimumOpenArea: { readonly violations: number; readonly limitMm2: number };
}

/** Leaf edges of a row in a segment: explicit edges, or the open interval, or unknown (closed, no edges). */
function edgesOf(s: SequencedSegment, r: number): readonly [number, number] | undefined {
  if (s.edges) return s.edges[r];
  const iv = s.rows[r];
  return iv ? [iv[0], iv[1] + 1] : undefined;
}

export function checkSequence(map: FluenceMap, segments: readonly SequencedSegment[], limits: ConstraintLimits, opts: { interleaf: boolean; tongueGroove: boolean }): ConstraintReport {
  const rebuilt = accumulateFluence(map.rows, map.cols, segments).values;
  let recon = 0;
  let maxErr = 0;
  for (let i = 0; i < rebuilt.length; i++) {
    const e = Math.abs(rebuilt[i] - map.values[i]);
    if (e > 1e-9) recon++;
    maxErr = Math.max(maxErr, e);
  }
  let inter = 0;
  let tg = 0;
  let gap = 0;
  let travel = 0;
  let minMu = 0;
  let area = 0;
  for (const s of segments) {
    if (s.mu < limits.minSegmentMu) minMu++;
    let openArea = 0;
    for (let r = 0; r < map.rows; r++) {
      const e = edgesOf(s, r);
      if (e && (e[0] < 0 || e[1] > map.cols || e[0] > e[1])) travel++;
      const iv = s.rows[r];
      if (iv) {
        const widthMm = (iv[1] - iv[0] + 1) * limits.bixelWidthMm;
        if (widthMm < limits.minGapMm) gap++;
        openArea += widthMm * limits.rowWidthMm[r];
      }
      if (opts.interleaf && r + 1 < map.rows) {
        const a = edgesOf(s, r);
        const b = edgesOf(s, r + 1);
        // a trailing (left) leaf must not pass the neighbour's leading (right) leaf
        if (a && b && (a[0] > b[1] || b[0] > a[1])) inter++;
      }
    }
    if (openArea < limits.minOpenAreaMm2) area++;
  }
  if (opts.tongueGroove) {
    // both bixels irradiated: the one with less fluence must be open only while the other is open
    for (let r = 0; r + 1 < map.rows; r++) {
      for (let c = 0; c < map.cols; c++) {
        const a = at(map, r, c);
        const b = at(map, r + 1, c);
        if (a === 0 || b === 0) continue;
        let both = 0;
        for (const s of segments) {
          const x = s.rows[r];
          const y = s.rows[r + 1];
          if (x && y && c >= x[0] && c <= x[1] && c >= y[0] && c <= y[1]) both += s.mu;
        }
        if (Math.abs(both - Math.min(a, b)) > 1e-9) tg++;
      }
    }
  }
  return {
    reconstruction: { violations: recon, maxAbsErrorMu: maxErr },
    interdigitation: { checked: opts.interleaf, violations: inter },
    tongueAndGroove: { checked: opts.tongueGroove, violations: tg },
    minimumGap: { violations: gap, limitMm: limits.minGapMm },
    travelRange: { violations: travel },
    minimumSegmentMu: { violations: minMu, limitMu: limits.minSegmentMu },
    minimumOpenArea: { violations: area, limitMm2: limits.minOpenAreaMm2 },
  };
}
