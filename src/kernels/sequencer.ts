/**
 * The native leaf sequencer (runs on an addon worker thread; the event loop
 * never waits on the K search). Input: an integer fluence matrix, rows = leaf
 * pairs, columns = bixels; output: segments as per-row bixel intervals.
 * The K search is bounded by work (candidate rollouts) with a fixed seed, never
 * by a clock: the same map and budget give the same segments on any machine.
 * The exception is `exact`, the proof search for the fewest segments, which
 * stops on its wall-clock budget (budgetMs) and says whether it finished.
 */
import { native } from './native.js';

export type NativeMethod = 'engel' | 'improved' | 'sweep' | 'exact';

export interface NativeSequence {
  readonly weights: Int32Array;
  /** K × rows, row-major; first > last (or −1) = closed. */
  readonly first: Int32Array;
  readonly last: Int32Array;
  /** Sweep only: leaf positions in bixel edges for every row of every segment, closed rows included. */
  readonly leftEdge?: Int32Array;
  readonly rightEdge?: Int32Array;
  readonly tnmu: number;
  readonly unconstrainedTnmu: number;
  /** Exact: the bound proven by the search (K is optimal when equal); otherwise the row-jump bound. */
  readonly segmentLowerBound: number;
  /** Exact only: the segment count is proven minimal among minimum-TNMU decompositions. */
  readonly proven?: boolean;
  /** Sweep only: a lower bound on K for unidirectional sweeps at this total MU (forced leaf events). */
  readonly sweepSegmentLowerBound?: number;
  /** Work units the K search spent (0 for engel and sweep): improved = rollouts + descent nodes / 100 (constrained: 1000 cell evaluations a unit); exact adds its proof search, 100 nodes a unit. */
  readonly work: number;
  readonly ms: number;
}

interface AddonWithSequencer {
  sequenceAsync(rows: number, cols: number, values: Int32Array, method: NativeMethod, budgetWork: number, interleaf: boolean, tongueGroove: boolean, budgetMs: number): Promise<NativeSequence>;
}

/** budgetMs: the exact method's wall-clock budget (> 0); ignored (pass 0) by the other methods. */
export function sequenceNative(rows: number, cols: number, values: Int32Array, method: NativeMethod, opts: { budgetWork: number; interleaf: boolean; tongueGroove: boolean; budgetMs?: number }): Promise<NativeSequence> {
  return (native() as unknown as AddonWithSequencer).sequenceAsync(rows, cols, values, method, opts.budgetWork, opts.interleaf, opts.tongueGroove, opts.budgetMs ?? 0);
}
