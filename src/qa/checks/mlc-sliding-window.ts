/**
 * Sliding-window delivery (issue 13; AAPM TG-142 Table V, dynamic IMRT): runs a
 * test fluence map sequenced by the bridge's own sliding-window sequencer
 * (`domain/sequencing/sliding-window.ts`) as a dose-indexed MLC trajectory,
 * delivers it, and compares the controller's readback with the planned
 * trajectory throughout. Each readback is bracketed by two reads of the
 * delivered MU (before and after it); the controller trails the dose by about
 * a control cycle, every leaf alike, so the whole MLC's place on the plan is
 * fitted in [MU before − the largest following lag, MU after]
 * (`following-lag.ts`) and each leaf's error taken there: neither the time
 * between the links nor the common lag counts as one leaf's error (the lag is
 * reported in the notes). Per leaf: RMS and maximum error over the
 * beam-on samples; the item's error is the RMS (the row's unit), the maximum in
 * `detail`. The same samples are written as a delivery log (trajectory-log layout)
 * and analysed as `log analyze` does (`sliding-window-log.ts`): RMS, maximum
 * error and the planned-vs-delivered fluence gamma, one item `log.gamma` judged
 * by the `gammaRow` (TG-218), the rest in the notes.
 */
import { BridgeError } from '../../core/bridge-error.js';
import type { FluenceMap } from '../../domain/sequencing/fluence-map.js';
import { controlPointsOnBank, slidingWindow } from '../../domain/sequencing/sliding-window.js';
import { BeamState } from '../../protocol/beam-protocol.js';
import type { TrajectoryLog } from '../../protocol/logs/trajectory-log.js';
import { positionsAt, type MlcPositions } from '../../protocol/mlc-protocol.js';
import { statusOf, worstStatus, type QaCheckResult, type QaItem, type QaTolerance } from '../qa-types.js';
import { followedDoseFraction } from './following-lag.js';
import { MAX_HOLDS, leafId, moveLeaves, sample, waitFor, withSafeStop, type MlcCheckRoom } from './mlc-qa-links.js';
import { SlidingWindowLog, gammaItem, logNotes } from './sliding-window-log.js';

export interface SlidingWindowCheckOptions {
  /** The test map (rows = leaf pairs from pair 0; default: a 6-bixel ramp-and-step pattern on every pair). */
  readonly map?: FluenceMap;
  readonly bixelWidthMm?: number;
  readonly doseRateMuPerMin?: number;
  readonly beamId?: number;
  /** Time between readback samples, ms (default 20, as a TrueBeam trajectory log). */
  readonly sampleIntervalMs?: number;
  /** The most the whole MLC may trail the delivered dose, ms (default 100: a few controller cycles). */
  readonly maxFollowingLagMs?: number;
  /** Receives the delivery log built from the samples (to write it beside the report). */
  readonly onLog?: (log: TrajectoryLog) => void;
}

export const SLIDING_WINDOW_CHECK = 'mlc-sliding-window';

/** Every pair gets a different row of levels 0..4, so every leaf moves, waits and moves again. */
export function defaultSlidingWindowMap(pairs: number): FluenceMap {
  const base = [1, 3, 4, 2, 2, 1];
  const values = new Int32Array(pairs * base.length);
  for (let r = 0; r < pairs; r++) for (let c = 0; c < base.length; c++) values[r * base.length + c] = (base[(c + r) % base.length] + (r % 3)) % 5;
  return { rows: pairs, cols: base.length, values };
}

interface LeafStats {
  sumSq: number;
  max: number;
  n: number;
}

export async function mlcSlidingWindowCheck(room: MlcCheckRoom, tolerance: QaTolerance, gammaRow: QaTolerance, o: SlidingWindowCheckOptions = {}): Promise<QaCheckResult> {
  const n = room.model.leafPairs;
  const width = o.bixelWidthMm ?? 5;
  const doseRate = o.doseRateMuPerMin ?? 600;
  const map = o.map ?? defaultSlidingWindowMap(n);
  const originMm = -(map.cols * width) / 2;
  const sw = slidingWindow(map, { bixelWidthMm: width, maxLeafSpeedMmPerS: room.model.maxLeafSpeedMmPerS, doseRateMuPerMin: doseRate, minGapMm: room.model.minGapMm, originMm, maxBixelErrorMu: 0.25 });
  const points = controlPointsOnBank(sw, n, 0, room.model.minGapMm, originMm);
  const progress = room.onProgress ?? (() => undefined);
  const lags: number[] = [];
  const holds: string[] = [];
  const log = new SlidingWindowLog(room.model, sw.totalMu, o.sampleIntervalMs ?? 20);
  const stats = { A: Array.from({ length: n }, (): LeafStats => ({ sumSq: 0, max: 0, n: 0 })), B: Array.from({ length: n }, (): LeafStats => ({ sumSq: 0, max: 0, n: 0 })) };
  await withSafeStop(room, async () => {
    progress(0, 'leaves to the first control point');
    await moveLeaves(room, points[0].positions, 'mlc.slidingWindowStart');
    await room.mlc.loadTrajectory(points);
    await room.mlc.startTrajectory();
    await room.beam.arm({ beamId: o.beamId ?? 9002, presetMu: sw.totalMu, doseRateMuPerMin: doseRate });
    log.add(points[0].positions, points[0].positions, 0, 0, false);
    await room.beam.beamOn();
    const limitMs = (sw.totalMu / doseRate) * 60_000 * 4 + 10_000;
    const start = room.clock.nowMs();
    const missed = { count: 0 };
    const lagMu = (doseRate / 60_000) * (o.maxFollowingLagMs ?? 100);
    for (;;) {
      const before = await sample(() => room.beam.status(), missed);
      const p = before && (await sample(() => room.mlc.readPositions(), missed));
      const after = p && (await sample(() => room.beam.status(), missed));
      if (!before || !p || !after) continue; // an unanswered read: this sample is skipped (a few in a row end the check)
      if (after.state === BeamState.Held) {
        // an interlock held the beam (a link stale for a moment under load): resume once it clears, as a physicist would
        if (holds.length >= MAX_HOLDS) throw new BridgeError('DEVICE_FAULT', 'the sliding-window beam was held too often', { field: 'beam.state', limit: MAX_HOLDS, actual: holds.join('; ') });
        holds.push((await room.beam.resume()).join(' ') || 'hold');
        continue;
      }
      if (after.state === BeamState.Terminated) throw new BridgeError('DEVICE_FAULT', 'the beam terminated during the sliding-window delivery', { field: 'beam.state', actual: BeamState[after.state] });
      if (before.mu1 > 0 && after.mu1 < sw.totalMu) {
        const d = followedDoseFraction(points, p, Math.max(0, before.mu1 - lagMu) / sw.totalMu, after.mu1 / sw.totalMu);
        lags.push(after.mu1 / sw.totalMu - d);
        const planned = positionsAt(points, d);
        accumulate(stats, p, planned);
        log.add(planned, p, d * sw.totalMu, after.mu1, true);
      }
      progress(Math.min(0.95, after.mu1 / sw.totalMu), `sliding window ${after.mu1.toFixed(1)} of ${sw.totalMu.toFixed(1)} MU`);
      if (after.state === BeamState.Complete) break;
      if (room.clock.nowMs() - start > limitMs) throw new BridgeError('REQUEST_TIMEOUT', 'the sliding-window delivery did not complete', { field: 'beam.mu1', limit: Math.round(limitMs), unit: 'ms' });
      await new Promise<void>((resolve) => room.clock.setTimeout(resolve, o.sampleIntervalMs ?? 20));
    }
    const end = await waitFor(room.mlc.snapshot$, (s) => !s.status.trajectoryMode && s.status.inPosition, 10_000, 'mlc.trajectoryEnd');
    log.add(points[points.length - 1].positions, end.positions, sw.totalMu, (await room.beam.status()).mu1, true);
  });
  progress(0.97, 'analysing the delivery log');
  const analysis = await log.analyse();
  o.onLog?.(log.build());
  const items: QaItem[] = [...(['A', 'B'] as const).flatMap((bank) => stats[bank].map((s, i) => leafItem(bank, i, s, tolerance))), gammaItem(analysis, gammaRow)];
  progress(1, 'done');
  const notes = [
    `${map.rows} × ${map.cols} test map, ${sw.controlPoints.length} control points, ${sw.totalMu.toFixed(2)} MU at ${doseRate} MU/min; item error = RMS readback error, max in detail`,
    'readback only: a leaf whose calibration is off reads its plan here; the leaf position check images it',
    `the MLC trailed the MU read after each readback by a median ${median(lags.map((l) => (l * sw.totalMu * 60_000) / doseRate)).toFixed(0)} ms (the links' round trip and the controller's cycle; common to all leaves, not counted as leaf error)`,
    ...logNotes(analysis),
    ...(holds.length ? [`the beam was held ${holds.length}× and resumed through the QA permit (causes: ${holds.join('; ')}); the leaves follow the dose, so a hold pauses the plan`] : []),
  ];
  return { name: SLIDING_WINDOW_CHECK, status: worstStatus(items.map((i) => i.status)), tolerance: { leafRms: tolerance, fluenceGamma: gammaRow }, items, notes };
}

function accumulate(stats: Record<'A' | 'B', LeafStats[]>, p: MlcPositions, e: MlcPositions): void {
  for (let i = 0; i < p.bankAMm.length; i++) {
    for (const [bank, actual, planned] of [['A', p.bankAMm[i], e.bankAMm[i]], ['B', p.bankBMm[i], e.bankBMm[i]]] as const) {
      const err = Math.abs(actual - planned);
      const s = stats[bank][i];
      s.sumSq += err * err;
      s.max = Math.max(s.max, err);
      s.n++;
    }
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
}

function leafItem(bank: 'A' | 'B', i: number, s: LeafStats, tolerance: QaTolerance): QaItem {
  const rms = s.n > 0 ? Math.sqrt(s.sumSq / s.n) : NaN; // no beam-on sample: unverifiable, a fail
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  return { id: leafId(bank, i), measured: r3(rms), expected: 0, error: r3(rms), unit: 'mm', status: statusOf(rms, tolerance), detail: { maxErrorMm: r3(s.max), samples: s.n } };
}
