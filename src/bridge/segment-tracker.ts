/**
 * Watches the linac readback and keeps delivered MU per beam and segment on
 * both channels at every readback (DeliveryLedger), and for each segment the
 * MLC aperture read back while it was delivered (leaves do not move during a
 * step-and-shoot segment).
 */
import type { Subscription } from 'rxjs';
import type { LoadedConfig } from '../config/load-config.js';
import { leavesToAperture } from '../domain/plan/aperture-leaves.js';
import type { Plan } from '../domain/plan/plan.js';
import type { RoomDrivers } from './evidence-feed.js';
import { DeliveryLedger, type BeamDelivery, type RunBeam } from './delivery-ledger.js';

export type ApertureReadback = Array<[number, number] | null> | null;

export class SegmentTracker {
  readonly ledger: DeliveryLedger;
  /** Aperture readback per beam id, per plan segment index. */
  readonly apertures = new Map<number, Map<number, ApertureReadback>>();
  private sub: Subscription | undefined;

  constructor(
    private readonly drivers: RoomDrivers,
    /** The full plan (segment indices refer to it). */
    private readonly plan: Plan,
    run: readonly RunBeam[],
    private readonly cfg: LoadedConfig,
    /** Called for each segment the linac finished (progress output). */
    private readonly onSegment: (beamId: number, index: number, mu1: number, mu2Total: number) => void = () => undefined,
  ) {
    this.ledger = new DeliveryLedger(run);
  }

  start(): void {
    this.sub = this.drivers.beam.snapshot$.subscribe((s) => s && this.observe(s.status));
  }

  /**
   * Folds the latest readback now (after a stop, so the record ends on the
   * last counters) and takes the aperture of a segment left partial.
   */
  finish(): void {
    const s = this.drivers.beam.latest;
    if (!s) return;
    this.observe(s.status);
    const open = this.ledger.delivered().find((b) => b.beamId === s.status.beamId)?.segments.find((x) => !this.apertures.get(s.status.beamId)?.has(x.index));
    if (open) this.takeAperture(s.status.beamId, open.index);
  }

  delivered(): BeamDelivery[] {
    return this.ledger.delivered();
  }

  stop(): void {
    this.sub?.unsubscribe();
  }

  private observe(st: Parameters<DeliveryLedger['observe']>[0]): void {
    const done = this.ledger.observe(st);
    if (!done) return;
    this.takeAperture(done.beamId, done.index);
    const seg = this.ledger.delivered().find((b) => b.beamId === done.beamId)?.segments.find((s) => s.index === done.index);
    this.onSegment(done.beamId, done.index, seg?.mu1 ?? 0, st.mu2);
  }

  private takeAperture(beamId: number, index: number): void {
    const beam = this.plan.beams.find((b) => b.id === beamId);
    if (!beam) return;
    const mlc = this.drivers.mlc.latest;
    const perBeam = this.apertures.get(beamId) ?? new Map<number, ApertureReadback>();
    this.apertures.set(beamId, perBeam);
    perBeam.set(index, mlc ? (leavesToAperture(mlc.positions, beam.grid, this.cfg.mlc.positionToleranceMm) ?? null) : null);
  }
}

export const round3 = (v: number): number => Math.round(v * 1000) / 1000;
