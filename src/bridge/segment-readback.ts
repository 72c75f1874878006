/**
 * Samples the readback a treatment record needs at each step-and-shoot
 * segment's start and end: the time, the MLC leaf positions and the couch
 * pose, as the drivers last read them (only while their links are fresh). Passive: it only watches the linac's
 * readback (BeamStatus) through its own DeliveryLedger (the rule the fraction
 * record uses), so it changes nothing in delivery.
 *
 *   beam snapshot$ ─▶ ledger.observe ─▶ first MU of a segment → start sample
 *                                    └▶ segment finished     → end sample
 *   finish(): a segment left partial ends on the readback at the stop
 */
import type { Subscription } from 'rxjs';
import type { ReadbackSample } from '../domain/records/record-input.js';
import type { BeamStatus } from '../protocol/beam-protocol.js';
import { DeliveryLedger, type RunBeam } from './delivery-ledger.js';
import type { RoomDrivers } from './evidence-feed.js';

export interface SegmentSamples {
  start?: ReadbackSample;
  end?: ReadbackSample;
}

export class SegmentReadback {
  private readonly ledger: DeliveryLedger;
  /** Samples per beam id, per plan segment index. */
  private readonly samples = new Map<number, Map<number, SegmentSamples>>();
  private sub: Subscription | undefined;

  constructor(
    private readonly drivers: Pick<RoomDrivers, 'beam' | 'mlc' | 'couch'>,
    run: readonly RunBeam[],
    private readonly nowIso: () => string = () => new Date().toISOString(),
  ) {
    this.ledger = new DeliveryLedger(run);
  }

  start(): void {
    this.sub = this.drivers.beam.snapshot$.subscribe((s) => s && this.observe(s.status));
  }

  /** Folds the last readback and closes a segment left partial on the readback of now. */
  finish(): void {
    const s = this.drivers.beam.latest;
    if (s) this.observe(s.status);
    for (const perBeam of this.samples.values()) for (const x of perBeam.values()) x.end ??= this.sample();
    this.sub?.unsubscribe();
  }

  /** The samples of one segment (by plan segment index), if this run delivered any of it. */
  of(beamId: number, index: number): SegmentSamples | undefined {
    return this.samples.get(beamId)?.get(index);
  }

  private observe(st: Pick<BeamStatus, 'beamId' | 'state' | 'mu1' | 'mu2'>): void {
    const done = this.ledger.observe(st);
    const beam = this.ledger.delivered().find((b) => b.beamId === st.beamId);
    const perBeam = this.samples.get(st.beamId) ?? new Map<number, SegmentSamples>();
    this.samples.set(st.beamId, perBeam);
    for (const seg of beam?.segments ?? []) if (!perBeam.has(seg.index)) perBeam.set(seg.index, { start: this.sample() });
    if (done) {
      const x = perBeam.get(done.index) ?? { start: this.sample() };
      x.end = this.sample();
      perBeam.set(done.index, x);
    }
  }

  private sample(): ReadbackSample {
    // stale readback is no evidence: the sample then lacks it (the record says what it lacks)
    const mlc = this.drivers.mlc.isFresh() ? this.drivers.mlc.latest : undefined;
    const couch = this.drivers.couch.isFresh() ? this.drivers.couch.latest : undefined;
    return {
      atIso: this.nowIso(),
      ...(mlc ? { leaves: { bankAMm: [...mlc.positions.bankAMm], bankBMm: [...mlc.positions.bankBMm] } } : {}),
      ...(couch ? { couch: couch.actual } : {}),
    };
  }
}
