/**
 * One treatment session: the statechart actor, fed by device evidence, whose
 * emitted commands are carried out on the devices, with every state change,
 * command, device event and rejection journaled.
 */
import { map, merge, type Observable, Subject, type Subscription } from 'rxjs';
import { createActor, type Actor, type SnapshotFrom } from 'xstate';
import type { LoadedConfig } from '../config/load-config.js';
import { BridgeError, isBridgeError } from '../core/bridge-error.js';
import type { Clock } from '../core/clock.js';
import type { Pose6 } from '../core/pose.js';
import { CouchMotionSupervisor } from '../domain/couch/motion-supervisor.js';
import { planCorrectionFromPose } from '../domain/couch/plan-correction.js';
import { MotionMonitor } from '../domain/motion/motion-monitor.js';
import type { MotionLinkSample } from '../drivers/motion-link.js';
import type { Plan } from '../domain/plan/plan.js';
import type { Registration } from '../domain/registration/registration.js';
import { registrationPipeline, type Candidate, type CheckContext, type Verdict } from '../domain/registration/registration-pipeline.js';
import { noLinks, type Evidence, type PermitTolerances, type TrajectoryEvidence } from '../interlock/evidence.js';
import { currentBeam } from '../interlock/session-guards.js';
import { sessionMachine } from '../interlock/session-machine.js';
import type { Approver, SessionCommand, SessionEvent, SessionInput, SessionNotice } from '../interlock/session-types.js';
import type { JournalKind, JournalSink } from '../journal/journal.js';
import { CouchSettleWatch } from './couch-settle-watch.js';
import { CommandExecutor, SAFETY_COMMANDS } from './command-executor.js';
import { EvidenceFeed, type RoomDrivers } from './evidence-feed.js';
import { MuCheckpoints } from './mu-checkpoints.js';
import { TrajectoryWatch, type TrajectoryStats } from './trajectory-watch.js';

export type SessionSnapshot = SnapshotFrom<typeof sessionMachine>;
export type RegistrationOutcome = { ok: true; registration: Registration } | { ok: false; error: BridgeError };
type EventInput = SessionEvent extends infer E ? (E extends SessionEvent ? Omit<E, 'atMs'> : never) : never;
/** Events a caller may send; an approval goes through approve(), which takes the approver's identity. */
export type OperatorEventInput = Exclude<EventInput, { type: 'APPROVE' }>;
export type ReadbackDevice = keyof RoomDrivers;

/** The latest readback of each device and whether its link is fresh (no driver reached through). */
export interface Readback {
  readonly mlc: RoomDrivers['mlc']['latest'];
  readonly couch: RoomDrivers['couch']['latest'];
  readonly beam: RoomDrivers['beam']['latest'];
  readonly fresh: Readonly<Record<ReadbackDevice, boolean>>;
}

/** A record as it went to the journal, with the monotonic time it was made. */
export interface RecordedEntry {
  readonly kind: JournalKind;
  readonly data: unknown;
  readonly atMs: number;
}

const OPERATOR_EVENTS = new Set(['BEAM_ON', 'RESUME', 'REPOSITION_MLC', 'RESET', 'ABORT', 'APPROVE', 'OPERATOR_HOLD', 'LOAD_PLAN', 'REJECT_REGISTRATION', 'SELECT_BEAM', 'ENTER_QA', 'EXIT_QA', 'QA_SELECT_BEAM']);

export interface BridgeSessionOptions {
  readonly tickMs?: number;
  readonly approvalTtlMs?: number;
  /** The wall clock, read once at construction to anchor the monotonic clock to the epoch (default: the clock's `epochMs`). */
  readonly wallNowMs?: () => number;
  /** Latches from an earlier journal of this room not cleared by a RESET: the session starts in fault. */
  readonly carriedLatches?: SessionInput['carriedLatches'];
  /** This session's place among the room's sessions (room-ordinal.ts), journaled with its start. */
  readonly roomOrdinal?: number;
}

export class BridgeSession {
  readonly actor: Actor<typeof sessionMachine>;
  readonly notices$ = new Subject<SessionNotice>();
  readonly commands$ = new Subject<{ command: SessionCommand; error?: BridgeError }>();
  /** Every record journaled (or offered to a failing journal), for a console's journal tail. */
  readonly records$ = new Subject<RecordedEntry>();
  private readonly feed: EvidenceFeed;
  private readonly roomOrdinal?: number;
  private readonly executor: CommandExecutor;
  private readonly subs: Array<Pick<Subscription, 'unsubscribe'>> = [];
  private readonly checkpoints: MuCheckpoints;
  private readonly couchSupervisor: CouchMotionSupervisor;
  private readonly motionMonitor: MotionMonitor;
  private lastState = '';
  private readonly candidates$ = new Subject<Candidate>();
  private lastOutcome: RegistrationOutcome | undefined;
  private readonly couchSettle: CouchSettleWatch;
  /** The epoch time at monotonic time `monoMs`: image times are judged on this timeline, never on Date.now(). */
  private readonly anchor: { readonly epochMs: number; readonly monoMs: number };
  /** The journal sink took the last record (false after it threw), and how many records it lost. */
  private sinkWritable = true;
  private sinkLost = 0;
  /** Device commands whose result is not yet journaled. */
  private readonly inFlight = new Set<Promise<void>>();
  private lastJournalWritable = true;
  private readonly trajectoryWatch = new TrajectoryWatch((e) => this.onTrajectory(e));
  private lastLeafError: TrajectoryEvidence | undefined;

  constructor(
    readonly drivers: RoomDrivers,
    readonly config: LoadedConfig,
    private readonly journal: JournalSink,
    private readonly clock: Clock,
    opts: BridgeSessionOptions = {},
  ) {
    this.roomOrdinal = opts.roomOrdinal;
    const links = config.bridge.links;
    this.feed = new EvidenceFeed(drivers, { mlc: links.mlc.staleAfterMs, couch: links.couch.staleAfterMs, beam: links.beam.staleAfterMs }, clock, opts.tickMs ?? 20);
    this.executor = new CommandExecutor(drivers, {
      beamOnWanted: () => this.actor.getSnapshot().status === 'active' && (this.actor.getSnapshot().value === 'beamOn' || this.actor.getSnapshot().matches({ qa: 'beamOn' })),
      correctionApproved: (id) => this.actor.getSnapshot().context.appliedCorrectionIds.includes(id),
      trajectoryFor: (id) => this.actor.getSnapshot().context.plan?.beams.find((b) => b.id === id)?.trajectory,
    });
    this.couchSupervisor = new CouchMotionSupervisor(config.couch);
    this.couchSettle = new CouchSettleWatch(toleranceSet(config));
    this.anchor = { epochMs: opts.wallNowMs?.() ?? clock.epochMs(), monoMs: clock.nowMs() };
    this.motionMonitor = new MotionMonitor(config.bridge.intrafraction.windowMm);
    // one permanent subscription: replay and ordering state lives as long as the session
    this.subs.push(this.candidates$.pipe(registrationPipeline(() => this.checkContext())).subscribe((v) => this.onVerdict(v)));
    this.checkpoints = new MuCheckpoints({ append: (kind, data) => this.record(kind, data) }); // never throws into the beam stream
    this.actor = createActor(sessionMachine, {
      input: {
        mlcModel: config.mlc,
        actionLevels: config.bridge.actionLevels,
        motionSettings: motionSettings(config),
        tolerances: toleranceSet(config),
        settleMs: config.couch.inPosition.settleMs,
        approvalTtlMs: opts.approvalTtlMs ?? config.bridge.registration.approvalTtlMs,
        evidence: { links: noLinks(links.mlc.staleAfterMs) },
        carriedLatches: opts.carriedLatches,
      },
    });
  }

  start(): void {
    this.actor.on('command', (cmd) => this.carryOut(cmd));
    this.actor.on('notice', (n) => {
      this.record('notice', n);
      this.notices$.next(n);
    });
    this.subs.push(this.actor.subscribe((s) => this.onSnapshot(s)));
    for (const [name, d] of Object.entries(this.drivers)) {
      this.subs.push(d.events$.subscribe((e: unknown) => this.record('device-event', { device: name, ...(e as object) })));
    }
    this.subs.push(this.drivers.beam.snapshot$.subscribe((s) => s && this.checkpoints.observe(s.status)));
    this.subs.push(this.drivers.couch.snapshot$.subscribe((s) => s && this.superviseCouch(s.actual, s.status.moving, s.atMs)));
    this.feed.setJournal(this.journalEvidence());
    // a couch that cannot be watched while it moves is a motion fault (its own watchdog stops it)
    this.subs.push(this.drivers.couch.health$.subscribe((h) => !h.fresh && this.couchSupervisor.moving && this.couchMotionFault('the couch link went stale during a move')));
    this.actor.start();
    // dynamic beams: MLC readback against the trajectory at the measured MU, as evidence
    const selected = () => currentBeam(this.actor.getSnapshot().context);
    this.subs.push(this.drivers.beam.snapshot$.subscribe((s) => s && this.trajectoryWatch.observeBeam(s, selected())));
    this.subs.push(this.drivers.mlc.snapshot$.subscribe((s) => s && this.trajectoryWatch.observeMlc(s, selected())));
    this.feed.start(
      (evidence, atMs) => this.actor.send({ type: 'EVIDENCE', evidence, atMs }),
      (atMs) => {
        this.retryJournal();
        this.actor.send({ type: 'TICK', atMs });
      },
    );
    this.record('session', { event: 'start', config: this.config.file, mlcModel: this.config.mlc.id, couchModel: this.config.couch.id, roomOrdinal: this.roomOrdinal });
  }

  /**
   * Stops deciding: no more evidence, no more commands from the statechart (a
   * queued beam-on is then dropped). Readback keeps being journaled until stop().
   */
  halt(): void {
    this.feed.stop();
    this.actor.stop();
  }

  /** Ends the session; `detail` (why, delivered MU) goes into the journal's `session stop`. */
  stop(detail: object = {}): void {
    this.halt();
    this.subs.forEach((s) => s.unsubscribe());
    this.record('session', { event: 'stop', state: this.lastState, ...detail });
  }

  /** Journals a bridge-level record (fraction identity, record, resume) in this session's journal. */
  note(kind: JournalKind, data: unknown): void {
    this.record(kind, data);
  }

  /** Sends an event stamped with the clock; operator events are journaled. */
  send(event: OperatorEventInput): void {
    if ((event as EventInput).type === 'APPROVE') throw new BridgeError('INPUT_INVALID', 'an approval goes through approve() with the approver\'s identity', { field: 'event.type' });
    this.dispatch(event);
  }

  /**
   * Approves the pending correction for `approver`, whose role the caller took from an
   * authenticated identity (the console) or from operators named on the command line
   * (`simulate --operator`, `--physician`): the statechart judges that role, never one
   * the event's sender chose.
   */
  approve(registrationId: string, approver: Approver): void {
    this.dispatch({ type: 'APPROVE', registrationId, operator: approver.user, role: approver.role });
  }

  /** The latest readback of each device and each link's freshness. */
  readback(): Readback {
    const d = this.drivers;
    return { mlc: d.mlc.latest, couch: d.couch.latest, beam: d.beam.latest, fresh: { mlc: d.mlc.isFresh(), couch: d.couch.isFresh(), beam: d.beam.isFresh() } };
  }

  /** Which device just reported (a readback or a change of link health). */
  readbackChanges(): Observable<ReadbackDevice> {
    const d = this.drivers;
    const of = (name: ReadbackDevice, ...xs: Observable<unknown>[]) => merge(...xs).pipe(map(() => name));
    return merge(of('mlc', d.mlc.snapshot$, d.mlc.health$), of('couch', d.couch.snapshot$, d.couch.health$), of('beam', d.beam.snapshot$, d.beam.health$));
  }

  /** Calls `fn` with every snapshot of the statechart until unsubscribed. */
  onState(fn: (s: SessionSnapshot) => void): Pick<Subscription, 'unsubscribe'> {
    return this.actor.subscribe(fn);
  }

  private dispatch(event: EventInput): void {
    const e = { ...event, atMs: this.clock.nowMs() } as SessionEvent;
    if (OPERATOR_EVENTS.has(e.type)) {
      this.record('operator', e.type === 'LOAD_PLAN' ? { type: e.type, planId: e.plan.planId, patientId: e.plan.patientId } : e);
    }
    this.actor.send(e);
  }

  loadPlan(plan: Plan): void {
    this.send({ type: 'LOAD_PLAN', plan });
  }

  get snapshot(): SessionSnapshot {
    return this.actor.getSnapshot();
  }

  get stateName(): string {
    return stateName(this.actor.getSnapshot().value);
  }

  /**
   * Validates an untrusted registration through the pipeline (shape, units,
   * identity, age, replays, order); accepted ones go to the session, rejected
   * ones to the journal. Returns the verdict (the pipeline is synchronous).
   */
  submitRegistration(raw: unknown, source = 'sim', refusal?: BridgeError): RegistrationOutcome {
    this.lastOutcome = undefined;
    this.candidates$.next({ raw, source, refusal });
    return this.lastOutcome ?? { ok: false, error: new BridgeError('REG_INVALID', 'no verdict', { field: 'registration' }) };
  }

  /** Feeds an intrafraction monitoring stream (samples stamped on arrival) into the interlocks. */
  attachMotionStream(samples: Observable<MotionLinkSample>): void {
    this.subs.push(samples.subscribe((s) => this.feed.setMotion(this.motionMonitor.observe({ atMs: s.atMs, offsetMm: s.offsetMm }))));
  }

  /** Feeds a source's stream of candidates into the pipeline. */
  attachRegistrationSource(candidates: Observable<Candidate>): void {
    this.subs.push(candidates.subscribe((c) => this.candidates$.next(c)));
  }

  /** A dynamic beam's latest leaf judgement beyond tolerance (naming the leaf), until one within it. */
  get leafError(): TrajectoryEvidence | undefined {
    return this.lastLeafError;
  }

  /** What the session saw of a dynamic beam's leaves against its trajectory (undefined: not a dynamic beam, or never judged). */
  trajectoryStats(beamId: number): TrajectoryStats | undefined {
    return this.trajectoryWatch.stats(beamId);
  }

  private onTrajectory(e: TrajectoryEvidence): void {
    const toleranceMm = this.config.bridge.tolerances.dynamicLeafToleranceMm;
    // positioning to the first control point is judged by the permit (start mode) but is not a leaf error of the delivery
    const beyond = e.maxErrorMm > toleranceMm && e.muWindow[1] > 0;
    if (beyond !== (this.lastLeafError !== undefined)) this.record('device-event', { device: 'mlc', type: beyond ? 'leaf-off-trajectory' : 'leaves-on-trajectory', ...e, toleranceMm });
    this.lastLeafError = beyond ? e : undefined;
    this.feed.setTrajectory(e);
  }

  private onVerdict(v: Verdict): void {
    this.lastOutcome = v.ok ? this.acceptRegistration(v.registration, v.source) : this.reject(v.error, v.raw, v.source);
  }

  private acceptRegistration(reg: Registration, source: string): RegistrationOutcome {
    const plan = this.snapshot.context.plan!;
    const couch = this.drivers.couch.latest;
    if (!couch || !this.drivers.couch.isFresh()) return this.reject(new BridgeError('LINK_STALE', 'couch pose unknown: cannot compute the target', { field: 'couch.actual' }), reg, source);
    const planned = planCorrectionFromPose(couch.actual, reg.correction, reg.frame, this.config.couch, this.config.bridge.actionLevels[plan.protocol]);
    const classification = { ...planned.graded, action: planned.classification, reasons: planned.reasons };
    const target = planned.target;
    this.record('registration', { source, registration: reg, classification, target, translationMm: planned.translationMm, residualDeg: planned.residualDeg, legLengthsMm: planned.legLengthsMm, errors: planned.errors.map((e) => e.toJSON()) });
    this.send({ type: 'REGISTRATION', pending: { registration: reg, classification, target, receivedAtMs: this.clock.nowMs() } });
    return { ok: true, registration: reg };
  }

  private reject(error: BridgeError, raw: unknown, source = 'sim'): { ok: false; error: BridgeError } {
    // a wrong patient is its own event in the journal, not just a rejection
    this.record('rejection', { what: 'registration', source, wrongPatient: error.code === 'PATIENT_MISMATCH', error: error.toJSON(), raw });
    return { ok: false, error };
  }

  private checkContext(): CheckContext {
    const plan = this.snapshot.context.plan;
    return {
      identity: plan && { patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction },
      nowEpochMs: this.epochAt(this.clock.nowMs()),
      maxAgeMs: this.config.bridge.registration.maxAgeMs,
      maxClockSkewMs: this.config.bridge.registration.maxClockSkewMs,
      couchSettledEpochMs: this.couchSettle.settledAtMs === undefined ? undefined : this.epochAt(this.couchSettle.settledAtMs),
      couchUnsettled: this.couchSettle.unsettled,
    };
  }

  private epochAt(monoMs: number): number {
    return this.anchor.epochMs + (monoMs - this.anchor.monoMs);
  }

  private superviseCouch(actual: Pose6, moving: boolean, atMs: number): void {
    this.couchSettle.observe(actual, moving, atMs);
    const fault = this.couchSupervisor.observe(actual, moving, atMs);
    if (fault) this.couchMotionFault(fault.reason, fault);
  }

  private couchMotionFault(reason: string, detail: object = {}): void {
    this.couchSupervisor.abandonMove();
    this.couchSettle.abandoned();
    this.record('device-event', { device: 'couch', type: 'motion-fault', reason, ...detail });
    if (this.actor.getSnapshot().status === 'active') this.send({ type: 'COUCH_MOTION_FAULT', reason });
  }

  private carryOut(cmd: SessionCommand): void {
    // a safety command goes out first: nothing the journal does may delay or stop it
    const safety = SAFETY_COMMANDS.has(cmd.command);
    const done = safety ? this.execute(cmd) : undefined;
    this.record('command', cmd);
    if (cmd.command === 'MOVE_COUCH') {
      this.couchSettle.commanded(cmd.target);
      const from = this.drivers.couch.latest?.actual;
      if (from) this.couchSupervisor.beginMove(from, cmd.target, cmd.moveId, this.clock.nowMs());
    }
    const settled = (done ?? this.execute(cmd)).then(
      () => this.commands$.next({ command: cmd }),
      (e: unknown) => {
        const error = isBridgeError(e) ? e : new BridgeError('DEVICE_FAULT', String(e));
        this.record('command-result', { command: cmd.command, error: error.toJSON() });
        this.commands$.next({ command: cmd, error });
        if (error.code === 'PERMIT_DENIED' && cmd.command === 'BEAM_ON') return; // a dropped beam-on is the intended outcome, not a device failure
        if (cmd.command === 'MOVE_COUCH' || cmd.command === 'STOP_COUCH') return this.couchMotionFault(`${cmd.command} failed: ${error.message}`);
        if (this.actor.getSnapshot().status === 'active') this.send({ type: 'COMMAND_FAILED', command: cmd.command, error: error.message });
      },
    );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /**
   * Waits (at most `limitMs`) until every command sent to a device has its result journaled, so a
   * room closing its journal loses no command result (a late one would be counted lost).
   */
  async commandsSettled(limitMs: number): Promise<void> {
    const deadline = new Promise<void>((r) => setTimeout(r, limitMs).unref());
    while (this.inFlight.size > 0) {
      const all = Promise.allSettled([...this.inFlight]).then(() => 'done' as const);
      if ((await Promise.race([all, deadline.then(() => 'late' as const)])) === 'late') return;
    }
  }

  private onSnapshot(s: SessionSnapshot): void {
    const name = stateName(s.value);
    if (name === this.lastState) return;
    this.record('state', { from: this.lastState || null, to: name, beamIndex: s.context.beamIndex, segmentIndex: s.context.segmentIndex, holdCauses: s.context.holdCauses, latchedFaults: s.context.latchedFaults, faultReason: s.context.faultReason, irradiationMs: s.context.irradiationMs });
    this.lastState = name;
  }

  private execute(cmd: SessionCommand): Promise<void> {
    try {
      return this.executor.execute(cmd);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Journals a record. Never throws: a sink that fails makes the journal an
   * interlock (IL-JOURNAL-UNAVAILABLE) and the session goes on acting safely.
   * (`Journal` itself keeps unwritten records in memory; a plain sink that
   * throws loses the record, which is counted.)
   */
  private record(kind: JournalKind, data: unknown): void {
    this.records$.next({ kind, data, atMs: this.clock.nowMs() });
    try {
      this.journal.append(kind, data);
      if (this.sinkLost > 0 && !this.sinkWritable) {
        this.sinkWritable = true;
        this.journal.append('journal', { event: 'writable-again', lostRecords: this.sinkLost });
      }
      this.sinkWritable = true;
    } catch {
      this.sinkWritable = false;
      this.sinkLost++;
    }
    this.updateJournalEvidence();
  }

  /** On every tick: give a journal that could not write another chance. */
  private retryJournal(): void {
    if (this.lastJournalWritable) return this.updateJournalEvidence(); // an fsync that hangs shows even when nothing is recorded
    try {
      this.journal.flush?.();
    } catch {
      /* still failing: the evidence says so */
    }
    this.updateJournalEvidence();
  }

  private journalEvidence(): NonNullable<Evidence['journal']> {
    const s = this.journal.status?.();
    return { writable: this.sinkWritable && (s?.writable ?? true), pendingRecords: s?.pendingRecords ?? 0, lostRecords: (s?.lostRecords ?? 0) + this.sinkLost };
  }

  private updateJournalEvidence(): void {
    const j = this.journalEvidence();
    if (j.writable === this.lastJournalWritable) return;
    this.lastJournalWritable = j.writable;
    this.feed.setJournal(j);
  }
}

export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  const [k, v] = Object.entries(value as Record<string, unknown>)[0];
  return `${k}.${stateName(v)}`;
}

export function toleranceSet(cfg: LoadedConfig): PermitTolerances {
  return {
    mlcPositionMm: cfg.mlc.positionToleranceMm,
    couchTranslationMm: cfg.couch.inPosition.translationMm,
    couchRotationDeg: cfg.couch.inPosition.rotationDeg,
    muChannelDisagreement: cfg.bridge.tolerances.muChannelDisagreement,
    evidenceMaxAgeMs: cfg.bridge.tolerances.evidenceMaxAgeMs,
    muOverrunMu: cfg.bridge.tolerances.muOverrunMu,
    backupTimerFactor: cfg.bridge.tolerances.backupTimerFactor,
    backupTimerMarginMs: cfg.bridge.tolerances.backupTimerMarginMs,
    mlcPositioningTimeoutMs: cfg.bridge.tolerances.mlcPositioningTimeoutMs,
    dynamicLeafToleranceMm: cfg.bridge.tolerances.dynamicLeafToleranceMm,
  };
}

export function motionSettings(cfg: LoadedConfig) {
  const m = cfg.bridge.intrafraction;
  return { debounceMs: m.debounceMs, dwellMs: m.dwellMs, staleAfterMs: m.samplePeriodMs * m.staleSamples };
}
