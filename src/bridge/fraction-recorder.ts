/**
 * `start`: one RT Beams Treatment Record per fraction delivered through the console, from the
 * same evidence `simulate` records (the linac's readback folded by DeliveryLedger, which is also
 * what the journal's `mu-checkpoint`s hold; MLC and couch readback sampled per segment). Passive
 * while the beam runs: it only watches the session; the record is made after the fraction ends.
 *
 *   session enters setup with a plan ─▶ journal `session fraction` (identity, run, the plan itself:
 *                                       `record from-journal` rebuilds from it after a crash)
 *                                       SegmentTracker + SegmentReadback watch the readback
 *   fractionComplete | aborted | fault ─▶ next macrotask ─▶ readback shows the beam off (bounded)
 *   close(reason) with a fraction open ─▶   ─▶ buildRecord ─▶ journal `record` ─▶ Part-10 bytes (worker thread)
 *                                           ─▶ temp file, fsync, rename (async) ─▶ journal the outcome
 *
 * A record that cannot be written is logged and journaled (`treatment-record-failed`), never
 * thrown: nothing here can reach the statechart, a safety command or the device polling.
 */
import path from 'node:path';
import { filter, firstValueFrom, race, timer, map, type Subscription } from 'rxjs';
import type { LoadedConfig } from '../config/load-config.js';
import { fromJsonPlan } from '../domain/plan/json-plan.js';
import type { Plan } from '../domain/plan/plan.js';
import { treatmentRecordDataset } from '../domain/records/treatment-record.js';
import { BeamState } from '../protocol/beam-protocol.js';
import type { BridgeSession, RecordedEntry, SessionSnapshot } from './bridge-session.js';
import { stateName } from './bridge-session.js';
import type { FractionRecord } from './fraction-record.js';
import { buildRecord } from './record-builder.js';
import { encodeRecordOffLoop } from './record-encoder.js';
import { fullRun } from './remaining-work.js';
import { SegmentReadback } from './segment-readback.js';
import { SegmentTracker } from './segment-tracker.js';
import { treatmentRecordInput } from './treatment-record-source.js';
import { RECORD_SUFFIX, writeRecordFileAsync } from './write-treatment-record.js';

export interface FractionRecorderOptions {
  /** The folder records go to (must exist: a missing one is a write failure, reported). */
  readonly dir: string;
  /** The session's journal: the record is named after it (`<journal name>.rtrecord.dcm`). */
  readonly journalFile: string;
  readonly config: LoadedConfig;
  /** Manufacturer (0008,0070) of the record. */
  readonly manufacturer: string;
  readonly log: (line: string) => void;
  /** How long to wait for the linac's readback to show the beam off before recording anyway, ms. */
  readonly beamOffBoundMs?: number;
}

/** What a record of this run was, for the caller (tests, the log). */
export type RecordResult = { readonly written: true; readonly file: string } | { readonly written: false; readonly reason: string; readonly file?: string };

interface OpenFraction {
  readonly plan: Plan;
  readonly startedAt: string;
  readonly tracker: SegmentTracker;
  readonly readback: SegmentReadback;
  readonly holds: FractionRecord['holds'];
  operator?: string;
  approvedBy?: string;
  lastResumedBy?: string;
  abortedBy?: string;
  inHold: boolean;
}

const BEAM_OFF_BOUND_MS = 5000;

export class FractionRecorder {
  private open: OpenFraction | undefined;
  private ending: Promise<RecordResult> | undefined;
  private readonly subs: Subscription[] = [];

  constructor(private readonly session: BridgeSession, private readonly opts: FractionRecorderOptions) {}

  /** The file this session's record goes to. */
  get file(): string {
    return path.join(this.opts.dir, `${path.basename(this.opts.journalFile).replace(/\.jsonl$/, '')}${RECORD_SUFFIX}`);
  }

  start(): this {
    this.subs.push(this.session.records$.subscribe((r) => this.guarded(() => this.onRecord(r))));
    this.subs.push(this.session.onState((s) => this.guarded(() => this.onState(s))) as Subscription);
    return this;
  }

  /** The record of the fraction that ended, once written (or why not); undefined while none ended. */
  get result(): Promise<RecordResult> | undefined {
    return this.ending;
  }

  /**
   * The session is closing (a signal, `--exit-after`): a fraction still open is recorded as
   * interrupted by `reason` (call after the safe stop, before the journal closes); waits for a
   * record in progress.
   */
  async close(reason: string): Promise<RecordResult | undefined> {
    if (this.open && !this.ending) this.end('interrupted', reason);
    this.subs.forEach((s) => s.unsubscribe());
    return this.ending;
  }

  private guarded(f: () => void): void {
    try {
      f();
    } catch (e) {
      // a bug here must not reach the statechart's subscribers: report it, record nothing more
      this.opts.log(`treatment record: internal error: ${(e as Error).message}`);
    }
  }

  private onRecord(r: RecordedEntry): void {
    const f = this.open;
    if (!f || r.kind !== 'operator') return;
    const d = r.data as { type?: string; operator?: string };
    if (d.type === 'BEAM_ON' && d.operator) f.operator ??= d.operator;
    if (d.type === 'APPROVE' && d.operator) f.approvedBy = d.operator;
    if (d.type === 'RESUME' && d.operator) f.lastResumedBy = d.operator;
    if (d.type === 'ABORT' && d.operator) f.abortedBy ??= d.operator;
  }

  private onState(s: SessionSnapshot): void {
    if (!this.open && s.hasTag('setup') && s.context.plan) return this.begin(s.context.plan);
    const f = this.open;
    if (!f || this.ending) return;
    const held = stateName(s.value) === 'beamHold';
    if (held && !f.inHold) f.holds.push({ causes: s.context.holdCauses, atIso: new Date().toISOString() });
    if (!held && f.inHold && !s.hasTag('fault') && !s.hasTag('aborted') && f.holds.length) {
      const h = f.holds[f.holds.length - 1];
      f.holds[f.holds.length - 1] = { ...h, resumedAtIso: new Date().toISOString(), ...(f.lastResumedBy ? { resumedBy: f.lastResumedBy } : {}) };
    }
    f.inHold = held;
    if (s.hasTag('complete')) this.end('complete');
    else if (s.hasTag('fault')) this.end('fault', s.context.faultReason);
    else if (s.hasTag('aborted')) this.end('aborted', f.abortedBy ? `terminated by ${f.abortedBy}` : 'terminated');
  }

  private begin(plan: Plan): void {
    const run = fullRun(plan);
    const drivers = this.session.drivers;
    const f: OpenFraction = {
      plan, startedAt: new Date().toISOString(), holds: [], inHold: false,
      tracker: new SegmentTracker(drivers, plan, run, this.session.config),
      readback: new SegmentReadback(drivers, run),
    };
    this.open = f;
    // the identity and the work of this fraction, and the plan itself: a record can be rebuilt from the journal alone
    this.session.note('session', { event: 'fraction', source: 'console', patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction, run, baseline: [], planForm: 'json', plan });
    f.tracker.start();
    f.readback.start();
  }

  private end(outcome: FractionRecord['outcome'], stopReason?: string): void {
    const f = this.open!;
    // after the transition's own work (commands to the devices) is done: never inside it
    this.ending = new Promise<void>((r) => setImmediate(r)).then(() => this.record(f, outcome, stopReason)).catch((e: unknown) => {
      const reason = `internal error: ${(e as Error).message}`;
      this.opts.log(`treatment record NOT written: ${reason}`);
      this.session.note('session', { event: 'treatment-record-failed', file: this.file, reason, outcome });
      return { written: false as const, reason };
    });
  }

  private async record(f: OpenFraction, outcome: FractionRecord['outcome'], stopReason: string | undefined): Promise<RecordResult> {
    const beamOff = await this.beamOff();
    f.tracker.finish();
    f.tracker.stop();
    f.readback.finish();
    const record = await buildRecord(this.session, f.plan, f.tracker, [], { outcome, stopReason, startedAt: f.startedAt, approvedBy: f.approvedBy ?? '', holds: f.holds });
    this.session.note('record', record);
    const file = this.file;
    const input = treatmentRecordInput({ record, model: fromJsonPlan(f.plan, this.opts.config.mlc), format: 'json', operator: f.operator ?? 'console', readback: f.readback, config: this.opts.config, manufacturer: this.opts.manufacturer });
    if (input.beams.length === 0) {
      this.opts.log('no treatment record: no beam delivered any MU');
      this.session.note('session', { event: 'treatment-record', written: false, reason: 'no beam delivered any MU', outcome });
      return { written: false, reason: 'no beam delivered any MU' };
    }
    const beams = input.beams.map((b) => ({ id: b.number, mu1: round3(b.segments.reduce((s, x) => s + x.mu1, 0)), mu2: round3(b.segments.reduce((s, x) => s + x.mu2, 0)), status: b.termination.status, code: b.termination.code }));
    try {
      await writeRecordFileAsync(await encodeRecordOffLoop(treatmentRecordDataset(input)), file, this.opts.config.bridge.records ? 'records.dir' : '--record');
    } catch (e) {
      const reason = (e as Error).message;
      this.opts.log(`treatment record NOT written: ${reason} (the journal holds the fraction; \`linac-bridge record from-journal ${this.opts.journalFile}\` writes it again)`);
      this.session.note('session', { event: 'treatment-record-failed', file, reason, outcome, beams });
      return { written: false, reason, file };
    }
    this.opts.log(`treatment record: ${file} (${outcome}; ${beams.map((b) => `beam ${b.id} ${b.mu1} MU ${b.status}/${b.code}`).join(', ')})`);
    this.session.note('session', { event: 'treatment-record', written: true, file, sopInstanceUid: input.uids.sopInstance, outcome, beamOffConfirmed: beamOff, beams });
    return { written: true, file };
  }

  /** Resolves true once the linac's readback shows the beam not on, false at the bound. */
  private beamOff(): Promise<boolean> {
    const off = (s: { status: { state: BeamState } } | undefined) => s !== undefined && s.status.state !== BeamState.BeamOn;
    const beam = this.session.drivers.beam;
    if (off(beam.latest)) return Promise.resolve(true);
    return firstValueFrom(race(beam.snapshot$.pipe(filter(off), map(() => true)), timer(this.opts.beamOffBoundMs ?? BEAM_OFF_BOUND_MS).pipe(map(() => false))));
  }
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
