/**
 * Samples the room at a fixed period (20 ms default) during a fraction and
 * keeps one trajectory log per beam: expected leaves (the last MOVE_MLC the
 * session carried out; for a dynamic beam its trajectory at the MU read back
 * when the MLC readback arrived), actual leaves (MLC readback), jaws (the room has no
 * jaw device: the plan grid's static field, expected = actual), couch
 * (commanded target and readback), MU (readback, both columns), beam hold
 * (beam on → 0, otherwise 2) and the segment index. It only reads: the
 * delivery path does not know it is there.
 *
 *   session.commands$ ──MOVE_MLC──► expected leaves, beam, segment
 *   clock every periodMs ─► drivers' latest readback ─► DeliveryLogBuilder (per beam)
 */
import type { Observable, Subscription } from 'rxjs';
import type { LoadedConfig } from '../config/load-config.js';
import { leafBoundariesMm } from '../config/mlc-model.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import { DeliveryLogBuilder, type Jaws, type LeafBanks } from '../domain/logs/delivery-log-builder.js';
import type { Plan, PlanBeam } from '../domain/plan/plan.js';
import { beamMu } from '../domain/plan/plan.js';
import type { SessionCommand } from '../interlock/session-types.js';
import { BeamState } from '../protocol/beam-protocol.js';
import { positionsAt } from '../protocol/mlc-protocol.js';
import { muAt, type MuSample } from '../domain/plan/trajectory-error.js';
import { TlogMlcModel, type TrajectoryLog } from '../protocol/logs/trajectory-log.js';
import type { RoomDrivers } from './evidence-feed.js';

export const DEFAULT_LOG_PERIOD_MS = 20;

export interface BeamLog {
  readonly beamId: number;
  readonly beamName: string;
  readonly log: TrajectoryLog;
  readonly summary: DeliveryLogSummary;
}

export interface DeliveryLogSummary {
  readonly patientId: string;
  readonly planId: string;
  readonly fraction: number;
  readonly beamId: number;
  readonly beamName: string;
  readonly samplingIntervalMs: number;
  readonly snapshots: number;
  readonly beamOnSnapshots: number;
  readonly plannedMu: number;
  readonly deliveredMu: number;
  readonly mlcModel: string;
  readonly jaws: Jaws & { readonly source: 'plan grid (static; no jaw device in the room)' };
}

/** TrueBeam header MLC code for a configured model: Millennium 120 → 2, anything else −1 (not a Varian MLC). */
const mlcCode = (cfg: LoadedConfig): number => (cfg.mlc.id === 'millennium-120' ? TlogMlcModel.nds120 : -1);

/** The static field of a beam: X from the bixel grid, Y from the leaf pairs the grid covers. */
export function planJaws(beam: PlanBeam, cfg: LoadedConfig): Jaws {
  const b = leafBoundariesMm(cfg.mlc);
  const g = beam.grid;
  return { x1Mm: -g.originMm, x2Mm: g.originMm + g.cols * g.bixelWidthMm, y1Mm: -b[g.firstLeafPair], y2Mm: b[g.firstLeafPair + g.rows] };
}

export class DeliveryLogger {
  private readonly builders = new Map<number, DeliveryLogBuilder>();
  private readonly lastMu = new Map<number, number>();
  /** Distinct beam readbacks of the current beam (arrival time, MU): a dynamic beam's expected leaves are taken at the MLC readback's time. */
  private muHistory: MuSample[] = [];
  private current: { beam: PlanBeam; leaves: LeafBanks; segment: number; jaws: Jaws } | undefined;
  private sub: Subscription | undefined;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly drivers: RoomDrivers,
    private readonly commands$: Observable<{ command: SessionCommand; error?: unknown }>,
    private readonly plan: Plan,
    private readonly cfg: LoadedConfig,
    private readonly clock: Clock,
    /** Sampling period in device time, ms (the log's sampling interval). */
    readonly periodMs = DEFAULT_LOG_PERIOD_MS,
    /** The simulators' physics speed-up: the clock ticks every periodMs / timeScale. */
    private readonly timeScale = 1,
  ) {}

  start(): void {
    this.sub = this.commands$.subscribe(({ command: c, error }) => {
      if (error || c.command !== 'MOVE_MLC') return;
      const beam = this.plan.beams.find((b) => b.id === c.beamId);
      if (!beam) return;
      if (this.current && this.current.beam.id !== beam.id) this.sample(); // the last readback of the beam that ended
      this.current = { beam, leaves: c.leaves, segment: c.segment, jaws: planJaws(beam, this.cfg) };
    });
    this.timer = this.clock.setInterval(() => this.sample(), this.periodMs / this.timeScale);
  }

  /** Stops sampling after one last sample (the final counters). */
  stop(): void {
    this.sub?.unsubscribe();
    this.timer?.cancel();
    this.sample();
  }

  private sample(): void {
    const cur = this.current;
    const mlc = this.drivers.mlc.latest;
    const beam = this.drivers.beam.latest?.status;
    if (!cur || !mlc) return;
    let b = this.builders.get(cur.beam.id);
    if (!b) {
      b = new DeliveryLogBuilder({
        leafPairs: this.cfg.mlc.leafPairs, mlcModel: mlcCode(this.cfg), samplingIntervalMs: this.periodMs,
        patientId: this.plan.patientId, planName: this.plan.planId, planUid: this.plan.planId, beamName: cur.beam.name, plannedMu: beamMu(cur.beam),
      });
      this.builders.set(cur.beam.id, b);
    }
    const sameBeam = beam?.beamId === cur.beam.id;
    // another beam's readback (the linac armed the next one): this beam's MU stays where it was
    const mu = sameBeam ? beam.mu1 : (this.lastMu.get(cur.beam.id) ?? 0);
    this.lastMu.set(cur.beam.id, mu);
    const couch = this.drivers.couch.latest;
    // a dynamic beam's expected leaves move with the dose: its trajectory at the MU read back
    const t = cur.beam.trajectory;
    const at = this.drivers.beam.latest?.atMs;
    if (sameBeam && at !== undefined && at !== this.muHistory[this.muHistory.length - 1]?.atMs) this.muHistory = [...this.muHistory.slice(-63), { atMs: at, mu }];
    if (!sameBeam) this.muHistory = [];
    // expected and actual leaves at one time: the MU interpolated at the MLC readback's arrival (bridge/trajectory-watch.ts)
    const expectedLeaves = t ? positionsAt(t, (this.muHistory.length ? muAt(this.muHistory, mlc.atMs) : mu) / beamMu(cur.beam)) : cur.leaves;
    const cp = t ? Math.max(0, t.findIndex((p) => p.metersetWeight * beamMu(cur.beam) > mu) - 1) : cur.segment;
    b.add({
      expectedLeaves, actualLeaves: mlc.positions, expectedJaws: cur.jaws, actualJaws: cur.jaws,
      expectedCouch: couch?.target, actualCouch: couch?.actual, gantryDeg: cur.beam.gantryDeg, collimatorDeg: 0,
      expectedMu: mu, actualMu: mu, beamOn: sameBeam && beam.state === BeamState.BeamOn,
      expectedControlPoint: t ? (cp < 0 ? t.length - 1 : cp) : cur.segment, actualControlPoint: t ? (cp < 0 ? t.length - 1 : cp) : cur.segment,
    });
  }

  /** One log per beam that was sampled, in plan order. */
  logs(fraction: number): BeamLog[] {
    return this.plan.beams.flatMap((beam) => {
      const b = this.builders.get(beam.id);
      if (!b || b.count === 0) return [];
      const log = b.build();
      const hold = log.axes.findIndex((a) => a.id === 41);
      const stride = log.data.length / log.snapshots;
      let on = 0;
      for (let s = 0; s < log.snapshots; s++) if (log.data[s * stride + hold * 2 + 1] === 0) on++;
      const summary: DeliveryLogSummary = {
        patientId: this.plan.patientId, planId: this.plan.planId, fraction, beamId: beam.id, beamName: beam.name,
        samplingIntervalMs: this.periodMs, snapshots: log.snapshots, beamOnSnapshots: on, plannedMu: beamMu(beam), deliveredMu: log.subbeams[0].mu,
        mlcModel: this.cfg.mlc.id, jaws: { ...planJaws(beam, this.cfg), source: 'plan grid (static; no jaw device in the room)' },
      };
      return [{ beamId: beam.id, beamName: beam.name, log, summary }];
    });
  }
}
