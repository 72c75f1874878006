/**
 * Judges the MLC readback of a dynamic beam against its trajectory at the MU
 * the linac reported (domain/plan/trajectory-error.ts), compensating the skew
 * between the two links by their readback times (docs/dynamic-delivery.md).
 * The result is evidence for the permit (Evidence.trajectory), as the rest of
 * the MLC evidence is: the statechart only sees whether it is within tolerance.
 *
 *   beam.snapshot$ ─▶ MU samples of the selected beam (arrival time, round trip)
 *   mlc.snapshot$  ─▶ pending until a beam readback covers tM + rB ─▶ TrajectoryEvidence
 *
 * While the linac is not irradiating its MU does not change, so a readback is
 * judged at once; while it is, it waits for the next beam readback (≤ one beam poll).
 */
import type { BeamSnapshot } from '../drivers/beam-driver.js';
import type { MlcSnapshot } from '../drivers/mlc-driver.js';
import { beamMu, type PlanBeam } from '../domain/plan/plan.js';
import { muAt, trajectoryError, type MuSample } from '../domain/plan/trajectory-error.js';
import type { TrajectoryEvidence } from '../interlock/evidence.js';
import { BeamState } from '../protocol/beam-protocol.js';

/** Beam readbacks kept for interpolation, and the round trips the beam-link bound takes the largest of. */
const KEEP_SAMPLES = 64;
const RTT_WINDOW = 8;
/** An MLC readback not judged within this long is dropped (its evidence would be stale anyway), ms. */
const PENDING_MAX_MS = 1000;

interface BeamSample extends MuSample {
  readonly beamId: number;
  readonly rttMs: number;
  readonly irradiating: boolean;
}

/** What the watch saw of one dynamic beam once it had delivered MU: readbacks judged, the worst leaf error and the widest skew window. */
export interface TrajectoryStats {
  readonly readbacksJudged: number;
  readonly maxLeafErrorMm: number;
  readonly worstLeaf: { readonly bank: 'A' | 'B'; readonly pair: number; readonly mu: number } | null;
  readonly maxSkewWindowMs: number;
}

export class TrajectoryWatch {
  private samples: BeamSample[] = [];
  private pending: MlcSnapshot[] = [];
  private readonly perBeam = new Map<number, TrajectoryStats>();

  /** What was seen of a dynamic beam so far, or undefined for a beam never judged. */
  stats(beamId: number): TrajectoryStats | undefined {
    return this.perBeam.get(beamId);
  }

  constructor(private readonly onResult: (e: TrajectoryEvidence) => void) {}

  observeBeam(s: BeamSnapshot, beam: PlanBeam | undefined): void {
    const st = s.status;
    this.samples.push({ atMs: s.atMs, mu: st.mu1, beamId: st.beamId, rttMs: rtt(s), irradiating: st.state === BeamState.BeamOn });
    if (this.samples.length > KEEP_SAMPLES) this.samples.splice(0, this.samples.length - KEEP_SAMPLES);
    this.flush(beam);
  }

  observeMlc(s: MlcSnapshot, beam: PlanBeam | undefined): void {
    this.pending.push(s);
    this.flush(beam);
  }

  private flush(beam: PlanBeam | undefined): void {
    const last = this.samples[this.samples.length - 1];
    if (!beam?.trajectory || !last || last.beamId !== beam.id) {
      this.pending = [];
      return;
    }
    const mine = this.samples.filter((x) => x.beamId === beam.id);
    const rB = Math.max(...mine.slice(-RTT_WINDOW).map((x) => x.rttMs));
    const keep: MlcSnapshot[] = [];
    for (const m of this.pending) {
      const until = m.atMs + rB;
      if (last.atMs < until && last.irradiating) {
        if (last.atMs - m.atMs < PENDING_MAX_MS) keep.push(m);
        continue;
      }
      const muLo = muAt(mine, m.atMs - rtt(m));
      const muHi = muAt(mine, until);
      const e = trajectoryError(beam.trajectory, beamMu(beam), muLo, muHi, m.positions);
      const result = { beamId: beam.id, atMs: m.atMs, ...e, skewWindowMs: rtt(m) + rB };
      if (muHi > 0) this.count(result); // positioning before the first MU is judged (evidence) but is not delivery
      this.onResult(result);
    }
    this.pending = keep;
  }

  private count(e: TrajectoryEvidence): void {
    const was = this.perBeam.get(e.beamId) ?? { readbacksJudged: 0, maxLeafErrorMm: 0, worstLeaf: null, maxSkewWindowMs: 0 };
    const worse = e.maxErrorMm > was.maxLeafErrorMm || was.worstLeaf === null;
    this.perBeam.set(e.beamId, {
      readbacksJudged: was.readbacksJudged + 1,
      maxLeafErrorMm: Math.max(was.maxLeafErrorMm, e.maxErrorMm),
      worstLeaf: worse ? { bank: e.bank, pair: e.pair, mu: e.muWindow[1] } : was.worstLeaf,
      maxSkewWindowMs: Math.max(was.maxSkewWindowMs, e.skewWindowMs),
    });
  }
}

/** The round trip of a readback: how long before its arrival it may have been sampled, ms. */
const rtt = (s: { atMs: number; requestedAtMs?: number }): number => Math.max(0, s.atMs - (s.requestedAtMs ?? s.atMs));
