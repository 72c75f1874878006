/**
 * MLC leaf speed (issue 13; AAPM TG-142 Table V monthly, IMRT: a loss of leaf
 * speed above 0.5 cm/s is flagged): both banks sweep outward across `sweepMm`
 * and back, commanded as one move each so the controller drives every leaf at
 * its rated speed (config/mlc/*.json maxLeafSpeedMmPerS). The check samples the
 * readback as fast as the link answers (an unanswered sample is skipped, a few in
 * a row end the check), stamps each sample at the middle of its request, and fits position against time over the middle of each leaf's travel
 * (least squares; the ends, where a leaf starts and stops, are left out). A
 * leaf's speed is the slower of its two directions; a leaf is flagged when it
 * is slower than rated by more than the tolerance row's loss (a faster leaf is
 * no loss).
 */
import { BridgeError } from '../../core/bridge-error.js';
import type { MlcPositions } from '../../protocol/mlc-protocol.js';
import { statusOf, worstStatus, type QaCheckResult, type QaItem, type QaTolerance } from '../qa-types.js';
import { leafId, moveLeaves, sample, uniform, waitFor, withSafeStop, type MlcCheckRoom } from './mlc-qa-links.js';

export interface LeafSpeedOptions {
  /** Travel of each sweep, mm at the isocentre (default 30). */
  readonly sweepMm?: number;
  /** Gap between the banks where the sweep starts, mm (default 10). */
  readonly startGapMm?: number;
  /** Fraction of the sweep left out at each end of the fit (default 0.15). */
  readonly marginFraction?: number;
  /** Device seconds per clock second: 1 on a real machine, the physics time scale of a simulated room. */
  readonly timeScale?: number;
}

export const LEAF_SPEED_CHECK = 'mlc-leaf-speed';

interface Sample {
  readonly tMs: number;
  readonly p: MlcPositions;
}

async function sampleSweep(room: MlcCheckRoom, targets: MlcPositions, field: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  await room.mlc.setTargets(targets);
  const start = room.clock.nowMs();
  await room.mlc.move();
  // twice the full travel at the rated speed, and then some: a slow leaf is measured, a stuck one times out
  const limitMs = ((room.model.travel.maxMm - room.model.travel.minMm) * 2000) / room.model.maxLeafSpeedMmPerS + 5000;
  const there = (p: MlcPositions) => p.bankAMm.every((v, i) => Math.abs(v - targets.bankAMm[i]) <= 0.05) && p.bankBMm.every((v, i) => Math.abs(v - targets.bankBMm[i]) <= 0.05);
  const missed = { count: 0 };
  for (;;) {
    const t0 = room.clock.nowMs();
    const p = await sample(() => room.mlc.readPositions(), missed);
    const t1 = room.clock.nowMs();
    if (p) samples.push({ tMs: (t0 + t1) / 2, p });
    if (p && there(p)) {
      // The readback is quantised (0.01 mm), so it can show a leaf within 0.05 mm a cycle before the
      // controller regards it as arrived; the next SetTargets is refused while it still moves. The sweep
      // ends when the controller itself reports every leaf in position, as moveLeaves waits for.
      await waitFor(room.mlc.snapshot$, (s) => s.atMs >= t1 && s.status.inPosition && !s.status.moving && there(s.positions), Math.max(1000, limitMs - (t1 - start)), field);
      return samples;
    }
    if (t1 - start > limitMs) throw new BridgeError('REQUEST_TIMEOUT', 'leaves did not reach the end of the speed sweep', { field, limit: Math.round(limitMs), unit: 'ms' });
  }
}

/** Least-squares speed (mm per clock second) of one leaf over the samples strictly inside (lo, hi). */
function fitSpeed(samples: readonly Sample[], pick: (p: MlcPositions) => number, lo: number, hi: number): { speed: number; n: number } {
  const pts = samples.map((s) => [s.tMs / 1000, pick(s.p)] as const).filter(([, x]) => x > lo && x < hi);
  const n = pts.length;
  if (n < 3) return { speed: NaN, n };
  const mt = pts.reduce((a, [t]) => a + t, 0) / n;
  const mx = pts.reduce((a, [, x]) => a + x, 0) / n;
  const stt = pts.reduce((a, [t]) => a + (t - mt) ** 2, 0);
  const stx = pts.reduce((a, [t, x]) => a + (t - mt) * (x - mx), 0);
  return { speed: Math.abs(stx / stt), n };
}

export async function mlcLeafSpeedCheck(room: MlcCheckRoom, tolerance: QaTolerance, o: LeafSpeedOptions = {}): Promise<QaCheckResult> {
  const sweep = o.sweepMm ?? 30;
  const g = (o.startGapMm ?? 10) / 2;
  const m = (o.marginFraction ?? 0.15) * sweep;
  const scale = o.timeScale ?? 1;
  const n = room.model.leafPairs;
  const rated = room.model.maxLeafSpeedMmPerS;
  const progress = room.onProgress ?? (() => undefined);
  const inner = uniform(n, g, -g);
  const outer = uniform(n, g + sweep, -g - sweep);
  const [out, back] = await withSafeStop(room, async () => {
    progress(0, 'leaves to the start of the sweep');
    await moveLeaves(room, inner, 'mlc.speedStart');
    progress(0.2, `both banks outward ${sweep} mm`);
    const a = await sampleSweep(room, outer, 'mlc.speedOut');
    progress(0.6, `both banks back ${sweep} mm`);
    const b = await sampleSweep(room, inner, 'mlc.speedBack');
    return [a, b];
  });
  const items: QaItem[] = [];
  for (const bank of ['A', 'B'] as const) {
    const [lo, hi] = bank === 'A' ? [g + m, g + sweep - m] : [-g - sweep + m, -g - m];
    for (let i = 0; i < n; i++) {
      const pick = (p: MlcPositions) => (bank === 'A' ? p.bankAMm[i] : p.bankBMm[i]);
      const fo = fitSpeed(out, pick, lo, hi);
      const fb = fitSpeed(back, pick, lo, hi);
      const speed = Math.min(fo.speed, fb.speed) / scale;
      const error = speed - rated;
      const r2 = (v: number) => Math.round(v * 100) / 100;
      items.push({
        id: leafId(bank, i), measured: r2(speed), expected: rated, error: r2(error), unit: 'mm/s',
        status: statusOf(Math.min(0, error), tolerance), // NaN (too few samples) fails
        detail: { outwardMmPerS: r2(fo.speed / scale), backMmPerS: r2(fb.speed / scale), samplesOutward: fo.n, samplesBack: fb.n },
      });
    }
  }
  progress(1, 'done');
  const notes = [`rated ${rated} mm/s (${room.model.id}); a leaf fails when slower than rated by more than ${tolerance.tolerance} ${tolerance.unit}`, `speed from the controller readback (${out.length + back.length} samples), time scale ${scale}`];
  return { name: LEAF_SPEED_CHECK, status: worstStatus(items.map((i) => i.status)), tolerance, items, notes };
}
