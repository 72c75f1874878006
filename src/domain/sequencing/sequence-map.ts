/**
 * Sequences a fluence map for an MLC model and checks the result: the CLI
 * contract's object (method, sizes, TNMU and its bound, K and its bound, the
 * segments, exactness, every constraint with its violation count, time).
 */
import type { MlcModel } from '../../config/mlc-model.js';
import { BridgeError } from '../../core/bridge-error.js';
import { sequenceNative, type NativeMethod } from '../../kernels/sequencer.js';
import { checkSequence, type ConstraintReport, type SequencedSegment } from './constraint-check.js';
import { type FluenceMap } from './fluence-map.js';
import { mapRowsToLeaves } from './leaf-mapping.js';
import { orderForTravel, deliveryTime, type DeliveryTime } from './delivery-time.js';

export type StepAndShootMethod = 'engel' | 'improved' | 'sweep' | 'exact';

export interface SequenceOptions {
  readonly method: StepAndShootMethod;
  readonly interleaf: boolean;
  readonly tongueGroove: boolean;
  readonly bixelWidthMm: number;
  readonly rowHeightMm?: number;
  readonly doseRateMuPerMin: number;
  readonly minSegmentMu: number;
  readonly minOpenAreaMm2: number;
  readonly segmentOverheadS: number;
  /** Work for the K search (improved): candidate rollouts; default DEFAULT_BUDGET_WORK. No clock, so results are reproducible. */
  readonly budgetWork?: number;
  /** Exact only: wall-clock budget of the proof search, ms (default DEFAULT_EXACT_BUDGET_MS). */
  readonly budgetMs?: number;
}

export interface SequenceOutput {
  readonly method: StepAndShootMethod;
  readonly rows: number;
  readonly cols: number;
  readonly levels: number;
  readonly tnmu: number;
  readonly tnmuLowerBound: number;
  /** The unconstrained minimum (max row complexity), for comparison under constraints. */
  readonly unconstrainedTnmu: number;
  readonly segmentCount: number;
  /** Method exact: the bound its search proved; otherwise the row-jump / distinct-level bound. */
  readonly segmentLowerBound: number;
  /** Sweep only: a lower bound on K for any unidirectional sweep at this total MU (from leaf events every such sweep must have). */
  readonly sweepSegmentLowerBound?: number;
  readonly segments: Array<{ mu: number; rows: Array<[number, number] | null>; jaws: { x1Edge: number; x2Edge: number; firstRow: number; lastRow: number } | null; edges?: Array<[number, number]> }>;
  /**
   * Reconstruction exact (every bixel delivered exactly). For method `exact` also: the segment count
   * is proven minimal among minimum-TNMU decompositions (false when the budget ran out first).
   */
  readonly exact: boolean;
  /** Method exact only: wall-clock budget of the proof search, ms. */
  readonly budgetMs?: number;
  readonly constraints: ConstraintReport;
  readonly delivery: DeliveryTime;
  readonly firstLeafPair: number;
  /** Work budget of the K search (candidate rollouts; improved only, 0 for engel/sweep) and the work it used. */
  readonly budgetWork: number;
  readonly work: number;
  /** Time in the native sequencer, ms (reported only; it never changes the result). */
  readonly ms: number;
  /** Wall time including the worker hand-off, ms. */
  readonly wallMs: number;
}

/**
 * Default K-search work (candidate rollouts). On the 27 maps of test/fixtures/leaf-sequencing,
 * 50 already gives the K of the former 1–15 ms wall-clock default on every map; 400 leaves headroom
 * for larger maps (docs/sequencing.md has the figures).
 */
export const DEFAULT_BUDGET_WORK = 400;

/** Default wall-clock budget of the exact method's proof search (it proves every proven optimum of clinical25 in well under 1 s). */
export const DEFAULT_EXACT_BUDGET_MS = 10_000;

export async function sequenceMap(input: FluenceMap, mlc: MlcModel, o: SequenceOptions): Promise<SequenceOutput> {
  const constrained = o.interleaf || o.tongueGroove;
  if (o.method !== 'sweep' && o.method !== 'improved' && constrained) {
    throw new BridgeError('INPUT_INVALID', `method ${o.method} does not honour leaf constraints; use --method improved or sweep`, { field: '--method', actual: o.method, limit: 'improved | sweep with --no-interdigitation / --tongue-groove' });
  }
  if (input.cols * o.bixelWidthMm > mlc.travel.maxMm - mlc.travel.minMm) {
    throw new BridgeError('INPUT_INVALID', 'map wider than the leaf travel', { field: 'map.cols', actual: `${input.cols * o.bixelWidthMm} mm`, limit: `${mlc.travel.maxMm - mlc.travel.minMm} mm` });
  }
  if (o.budgetMs !== undefined && !(o.budgetMs >= 1 && o.budgetMs <= 3_600_000)) {
    throw new BridgeError('INPUT_INVALID', 'exact-search budget out of range', { field: 'budgetMs', actual: o.budgetMs, limit: '1..3600000', unit: 'ms' });
  }
  const placed = mapRowsToLeaves(input, mlc, o.rowHeightMm);
  const map = placed.map;
  const t0 = performance.now();
  const budgetWork = o.method === 'improved' || o.method === 'exact' ? (o.budgetWork ?? DEFAULT_BUDGET_WORK) : 0;
  const budgetMs = o.method === 'exact' ? (o.budgetMs ?? DEFAULT_EXACT_BUDGET_MS) : 0;
  const native = await sequenceNative(map.rows, map.cols, map.values, o.method as NativeMethod, { budgetWork, interleaf: o.interleaf, tongueGroove: o.tongueGroove, budgetMs });
  const wallMs = performance.now() - t0;
  let segments: SequencedSegment[] = Array.from(native.weights, (mu, k) => ({
    mu,
    rows: Array.from({ length: map.rows }, (_, r) => {
      const f = native.first[k * map.rows + r];
      const l = native.last[k * map.rows + r];
      return f >= 0 && l >= f ? ([f, l] as [number, number]) : null;
    }),
    edges: native.leftEdge ? Array.from({ length: map.rows }, (_, r) => [native.leftEdge![k * map.rows + r], native.rightEdge![k * map.rows + r]] as [number, number]) : undefined,
  }));
  // step-and-shoot segments of an unconstrained decomposition may go in any order: shorten leaf travel
  // (also constrained ones from improved: each carries its own leaf edges; a sweep keeps its order)
  if (o.method !== 'sweep') segments = orderForTravel(segments, map.cols);
  const constraints = checkSequence(map, segments, { bixelWidthMm: o.bixelWidthMm, minGapMm: mlc.minGapMm, minSegmentMu: o.minSegmentMu, minOpenAreaMm2: o.minOpenAreaMm2, rowWidthMm: placed.leafWidthsMm }, { interleaf: o.interleaf, tongueGroove: o.tongueGroove });
  let levels = 0;
  for (const v of map.values) levels = Math.max(levels, v);
  return {
    method: o.method,
    rows: map.rows,
    cols: map.cols,
    levels,
    tnmu: native.tnmu,
    tnmuLowerBound: constrained ? native.tnmu : native.unconstrainedTnmu,
    unconstrainedTnmu: native.unconstrainedTnmu,
    segmentCount: segments.length,
    segmentLowerBound: native.segmentLowerBound,
    ...(native.sweepSegmentLowerBound !== undefined ? { sweepSegmentLowerBound: native.sweepSegmentLowerBound } : {}),
    segments: segments.map((s) => ({ mu: s.mu, rows: s.rows.map((r) => (r ? [r[0], r[1]] : null)) as Array<[number, number] | null>, jaws: jawsOf(s), ...(s.edges ? { edges: s.edges.map((e) => [e[0], e[1]] as [number, number]) } : {}) })),
    exact: constraints.reconstruction.violations === 0 && (o.method !== 'exact' || native.proven === true),
    ...(o.method === 'exact' ? { budgetMs } : {}),
    constraints,
    delivery: deliveryTime(segments, native.tnmu, { bixelWidthMm: o.bixelWidthMm, maxLeafSpeedMmPerS: mlc.maxLeafSpeedMmPerS, doseRateMuPerMin: o.doseRateMuPerMin, segmentOverheadS: o.segmentOverheadS, cols: map.cols }),
    firstLeafPair: placed.firstLeafPair,
    budgetWork,
    work: native.work,
    ms: native.ms,
    wallMs,
  };
}

/** Jaws set to the segment's open extent: X in bixel edges, Y in rows. */
function jawsOf(s: SequencedSegment): SequenceOutput['segments'][number]['jaws'] {
  let x1 = Infinity;
  let x2 = -Infinity;
  let r0 = -1;
  let r1 = -1;
  s.rows.forEach((iv, r) => {
    if (!iv) return;
    x1 = Math.min(x1, iv[0]);
    x2 = Math.max(x2, iv[1] + 1);
    if (r0 < 0) r0 = r;
    r1 = r;
  });
  return r0 < 0 ? null : { x1Edge: x1, x2Edge: x2, firstRow: r0, lastRow: r1 };
}
