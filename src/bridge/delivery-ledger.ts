/**
 * Delivered MU per beam and per segment, on both channels, folded from linac
 * readback alone (BeamStatus), at every readback: a segment being delivered is
 * counted as it grows, not only when it completes. Pure (no I/O, no clock), so
 * the live record and the recovery from a journal's readbacks use one rule.
 *
 * A run may deliver only part of a plan (a resumed fraction): `RunBeam` lists,
 * per beam, the plan segments this run delivers (by their index in the plan)
 * with the MU this run gives them; the linac counts from 0 for each run.
 */
import { BeamState, type BeamStatus } from '../protocol/beam-protocol.js';

export interface RunSegment {
  /** Index of the segment in the plan. */
  readonly index: number;
  /** MU this run delivers for it (all of it, or what an interrupted run left). */
  readonly mu: number;
}

export interface RunBeam {
  readonly beamId: number;
  readonly segments: readonly RunSegment[];
}

export interface SegmentDelivery {
  /** Index of the segment in the plan. */
  readonly index: number;
  /** Primary / secondary channel MU delivered, from readback differences. */
  readonly mu1: number;
  readonly mu2: number;
}

export interface BeamDelivery {
  readonly beamId: number;
  readonly segments: readonly SegmentDelivery[];
}

interface BeamFold {
  closed: number;
  stopMu1: number;
  stopMu2: number;
  lastState: BeamState | undefined;
  readonly mu1: number[];
  readonly mu2: number[];
}

export class DeliveryLedger {
  private readonly folds = new Map<number, BeamFold>();

  constructor(readonly run: readonly RunBeam[]) {}

  /**
   * Folds one readback. Returns the plan index of a segment the linac just
   * finished (it paused at the segment end or completed the beam), if any.
   */
  observe(s: Pick<BeamStatus, 'beamId' | 'state' | 'mu1' | 'mu2'>): { beamId: number; index: number } | undefined {
    const rb = this.run.find((b) => b.beamId === s.beamId);
    if (!rb || rb.segments.length === 0) return undefined;
    const f = this.folds.get(s.beamId) ?? { closed: 0, stopMu1: 0, stopMu2: 0, lastState: undefined, mu1: [], mu2: [] };
    this.folds.set(s.beamId, f);
    const counting = s.state !== BeamState.Idle && s.state !== BeamState.Armed;
    let done: { beamId: number; index: number } | undefined;
    if (counting && f.closed < rb.segments.length) {
      const k = f.closed;
      // a segment enters the record once its first MU is counted
      if (f.mu1[k] !== undefined || s.mu1 > f.stopMu1 || s.mu2 > f.stopMu2) {
        f.mu1[k] = Math.max(0, s.mu1 - f.stopMu1);
        f.mu2[k] = Math.max(0, s.mu2 - f.stopMu2);
      }
      const stopped = s.state === BeamState.SegmentDone || s.state === BeamState.Complete;
      // a new stop: the state changed, or (a beam-on missed between two readbacks) the counter moved
      if (stopped && (s.state !== f.lastState || s.mu1 > f.stopMu1 + 1e-9)) {
        f.mu1[k] ??= 0;
        f.mu2[k] ??= 0;
        f.closed++;
        f.stopMu1 = s.mu1;
        f.stopMu2 = s.mu2;
        done = { beamId: s.beamId, index: rb.segments[k].index };
      }
    }
    f.lastState = s.state;
    return done;
  }

  /** Number of this run's segments of a beam that the linac finished. */
  closedSegments(beamId: number): number {
    return this.folds.get(beamId)?.closed ?? 0;
  }

  /** What this run delivered so far, by plan segment index (segments not reached are left out). */
  delivered(): BeamDelivery[] {
    return this.run.map((rb) => {
      const f = this.folds.get(rb.beamId);
      const segments: SegmentDelivery[] = [];
      rb.segments.forEach((seg, k) => {
        if (f && f.mu1[k] !== undefined) segments.push({ index: seg.index, mu1: f.mu1[k], mu2: f.mu2[k] });
      });
      return { beamId: rb.beamId, segments };
    });
  }
}

/** Adds deliveries segment by segment (an earlier run's and this run's). */
export function addDeliveries(a: readonly BeamDelivery[], b: readonly BeamDelivery[]): BeamDelivery[] {
  const out = new Map<number, Map<number, { mu1: number; mu2: number }>>();
  for (const beam of [...a, ...b]) {
    const segs = out.get(beam.beamId) ?? new Map<number, { mu1: number; mu2: number }>();
    out.set(beam.beamId, segs);
    for (const s of beam.segments) {
      const prev = segs.get(s.index) ?? { mu1: 0, mu2: 0 };
      segs.set(s.index, { mu1: prev.mu1 + s.mu1, mu2: prev.mu2 + s.mu2 });
    }
  }
  return [...out].map(([beamId, segs]) => ({
    beamId,
    segments: [...segs].sort((x, y) => x[0] - y[0]).map(([index, v]) => ({ index, mu1: v.mu1, mu2: v.mu2 })),
  }));
}

/** Total delivered MU of one beam on both channels. */
export function beamTotals(d: readonly BeamDelivery[], beamId: number): { mu1: number; mu2: number } {
  const segs = d.find((b) => b.beamId === beamId)?.segments ?? [];
  return { mu1: segs.reduce((s, x) => s + x.mu1, 0), mu2: segs.reduce((s, x) => s + x.mu2, 0) };
}

/** Delivered MU per beam on both channels, as the operator reads it ("beam 1 7.500 / 7.500 MU"). */
export function deliveredPerBeam(d: readonly BeamDelivery[]): string {
  return d.map((b) => {
    const t = beamTotals(d, b.beamId);
    return `beam ${b.beamId} ${t.mu1.toFixed(3)} / ${t.mu2.toFixed(3)} MU`;
  }).join(', ') || 'nothing';
}

/** Whether either channel counted any MU: such a fraction may not be delivered again in full. */
export function deliveredAny(d: readonly BeamDelivery[]): boolean {
  return d.some((b) => {
    const t = beamTotals(d, b.beamId);
    return t.mu1 > 0 || t.mu2 > 0;
  });
}
