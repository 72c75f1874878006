/**
 * Watches the linac readback and notes each delivered segment: the MU the
 * primary channel counted since the previous stop, and the MLC aperture read
 * back at that moment (leaves do not move during a step-and-shoot segment).
 */
import type { Subscription } from 'rxjs';
import type { LoadedConfig } from '../config/load-config.js';
import { leavesToAperture } from '../domain/plan/aperture-leaves.js';
import type { Plan } from '../domain/plan/plan.js';
import { BeamState } from '../protocol/beam-protocol.js';
import type { RoomDrivers } from './evidence-feed.js';
import type { SegmentRecord } from './fraction-record.js';

export interface DeliveredBeam {
  readonly beamId: number;
  mu1: number;
  mu2: number;
  readonly segments: SegmentRecord[];
}

export class SegmentTracker {
  readonly beams = new Map<number, DeliveredBeam>();
  private sub: Subscription | undefined;
  private lastState: BeamState | undefined;
  private lastStopMu = 0;

  constructor(
    private readonly drivers: RoomDrivers,
    private readonly plan: Plan,
    private readonly cfg: LoadedConfig,
    /** Called for each delivered segment (progress output). */
    private readonly onSegment: (beamId: number, segment: SegmentRecord, of: number, mu2: number) => void = () => undefined,
  ) {}

  start(): void {
    this.sub = this.drivers.beam.snapshot$.subscribe((s) => {
      if (!s) return;
      const st = s.status;
      const beam = this.plan.beams.find((b) => b.id === st.beamId);
      if (st.state === BeamState.Armed && this.lastState !== BeamState.Armed) this.lastStopMu = 0;
      if (beam && (st.state === BeamState.SegmentDone || st.state === BeamState.Complete) && st.state !== this.lastState) {
        const rec = this.beams.get(beam.id) ?? { beamId: beam.id, mu1: 0, mu2: 0, segments: [] };
        const mlc = this.drivers.mlc.latest;
        const index = rec.segments.length;
        rec.segments.push({
          index,
          plannedMu: beam.segments[index]?.mu ?? 0,
          deliveredMu: round3(st.mu1 - this.lastStopMu),
          apertureReadback: mlc ? (leavesToAperture(mlc.positions, beam.grid, this.cfg.mlc.positionToleranceMm) ?? null) : null,
        });
        rec.mu1 = st.mu1;
        rec.mu2 = st.mu2;
        this.beams.set(beam.id, rec);
        this.onSegment(beam.id, rec.segments[index], beam.segments.length, st.mu2);
        this.lastStopMu = st.mu1;
      }
      this.lastState = st.state;
    });
  }

  stop(): void {
    this.sub?.unsubscribe();
  }
}

export const round3 = (v: number): number => Math.round(v * 1000) / 1000;
