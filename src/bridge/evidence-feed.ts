/**
 * Turns driver snapshots and link health into EVIDENCE events for the session,
 * and sends a TICK every tickMs so staleness is judged even when nothing arrives.
 *
 *   mlc.snapshot$, health$ ─┐
 *   couch.snapshot$, health$ ├─ merge ─▶ build Evidence (stamped) ─▶ EVIDENCE
 *   beam.snapshot$, health$ ─┘
 *   clock interval ─────────────────────────────────────▶ TICK
 */
import { merge, type Subscription } from 'rxjs';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { BeamDriver } from '../drivers/beam-driver.js';
import type { CouchDriver } from '../drivers/couch-driver.js';
import type { MlcDriver } from '../drivers/mlc-driver.js';
import type { MotionEvidence } from '../domain/motion/motion-monitor.js';
import type { Evidence } from '../interlock/evidence.js';

export interface RoomDrivers {
  readonly mlc: MlcDriver;
  readonly couch: CouchDriver;
  readonly beam: BeamDriver;
}

export interface StaleLimits {
  readonly mlc: number;
  readonly couch: number;
  readonly beam: number;
}

export class EvidenceFeed {
  private sub: Subscription | undefined;
  private motion: MotionEvidence | undefined;
  private journal: Evidence['journal'] = { writable: true, pendingRecords: 0, lostRecords: 0 };
  private trajectory: Evidence['trajectory'];
  private emit: (() => void) | undefined;
  private tick: TimerHandle | undefined;

  constructor(
    private readonly drivers: RoomDrivers,
    private readonly stale: StaleLimits,
    private readonly clock: Clock,
    private readonly tickMs: number,
  ) {}

  start(onEvidence: (e: Evidence, atMs: number) => void, onTick: (atMs: number) => void): void {
    const d = this.drivers;
    const emit = (): void => onEvidence(this.current(), this.clock.nowMs());
    this.emit = emit;
    this.sub = merge(
      d.mlc.snapshot$, d.couch.snapshot$, d.beam.snapshot$,
      d.mlc.health$, d.couch.health$, d.beam.health$, // a dropped link is news at once, not when its last snapshot ages out
    ).subscribe(() => emit());
    this.tick = this.clock.setInterval(() => onTick(this.clock.nowMs()), this.tickMs);
  }

  /** A new intrafraction sample: judged at once, not at the next tick. */
  setMotion(m: MotionEvidence): void {
    this.motion = m;
    this.emit?.();
  }

  /** A dynamic beam's MLC readback judged against its trajectory: judged at once. */
  setTrajectory(t: NonNullable<Evidence['trajectory']>): void {
    this.trajectory = t;
    this.emit?.();
  }

  /** The journal became writable or unwritable: judged at once. */
  setJournal(j: NonNullable<Evidence['journal']>): void {
    this.journal = j;
    this.emit?.();
  }

  stop(): void {
    this.emit = undefined;
    this.sub?.unsubscribe();
    this.tick?.cancel();
  }

  /**
   * Evidence as of now. A link's freshness is the time of its last fully
   * decoded snapshot: only a complete, valid poll counts as the device alive.
   * A driver that reports its link lost (or stale) gives no link evidence at all.
   */
  current(): Evidence {
    const { mlc, couch, beam } = this.drivers;
    const m = mlc.latest;
    const c = couch.latest;
    const b = beam.latest;
    return {
      mlc: m && { positions: m.positions, status: m.status, atMs: m.atMs },
      couch: c && { actual: c.actual, status: c.status, atMs: c.atMs },
      beam: b && { status: b.status, atMs: b.atMs },
      motion: this.motion,
      trajectory: this.trajectory,
      journal: this.journal,
      links: {
        mlc: { lastValidRxMs: mlc.isFresh() ? m?.atMs : undefined, staleAfterMs: this.stale.mlc },
        couch: { lastValidRxMs: couch.isFresh() ? c?.atMs : undefined, staleAfterMs: this.stale.couch },
        beam: { lastValidRxMs: beam.isFresh() ? b?.atMs : undefined, staleAfterMs: this.stale.beam },
      },
    };
  }
}
