/**
 * The one interface consoles, the CLI and tests drive a treatment session through:
 * commands in (validated, role-checked against the authenticated identity, serialized,
 * refused when based on a stale state, journaled with user, role, requestId and outcome),
 * snapshot and topic updates out, with a monotonically increasing stateVersion.
 *
 *   execute(raw, identity, requestId) ─▶ schema ─▶ role ─▶ stale? ─▶ handler ─▶ session
 *   session state, readback, journal ─▶ changes$ (topic names) ─▶ topic(name) / snapshot()
 */
import fs from 'node:fs';
import path from 'node:path';
import { Subject, type Subscription } from 'rxjs';
import { journalDir, type LoadedConfig } from '../../config/load-config.js';
import { BridgeError } from '../../core/bridge-error.js';
import type { Clock } from '../../core/clock.js';
import { JSON_LIMITS, parseJsonWithin } from '../../core/json-limits.js';
import type { Plan } from '../../domain/plan/plan.js';
import { validatePlan } from '../../domain/plan/validate-plan.js';
import type { SessionNotice } from '../../interlock/session-types.js';
import type { BridgeSession, SessionSnapshot } from '../bridge-session.js';
import { stateName } from '../bridge-session.js';
import { ALLOWED_ROLES, ConsoleCommandSchema, SAFETY_COMMAND_TYPES, type CommandOutcome, type Identity } from './console-commands.js';
import { handle, type HandlerResult } from './command-handlers.js';
import { fullSnapshot, interlocksPart, topicData, type SnapshotSources, type Topic } from './console-snapshot.js';
import { interruptedFraction } from './interrupted-fraction.js';
import { JournalTail } from './journal-tail.js';
import { RegistrationQueue } from './registration-queue.js';

export interface SessionFacadeOptions {
  readonly config: LoadedConfig;
  readonly clock: Clock;
  /** Wall clock for the times a console shows (registrations received, journal tail), ms since the epoch. */
  readonly wallNowMs?: () => number;
  /** Folder of `<planId>.json` plans for `loadPlan { planId }` (absent: plans come inline). */
  readonly plansDir?: string;
}

export class SessionFacade {
  /** Topics whose data changed (readback at the device's rate; a console coalesces). */
  readonly changes$ = new Subject<Topic>();
  private version = 0;
  private stateKey = '';
  private readonly registrations = new RegistrationQueue();
  private readonly tail = new JournalTail();
  private readonly subs: Array<Pick<Subscription, 'unsubscribe'>> = [];
  private queue: Promise<unknown> = Promise.resolve();
  private collecting: SessionNotice[] | undefined;
  private readonly wallNowMs: () => number;

  constructor(private readonly session: BridgeSession, private readonly opts: SessionFacadeOptions) {
    this.wallNowMs = opts.wallNowMs ?? Date.now;
  }

  /** Starts following the session (call once, after the session started). */
  start(): this {
    this.onState(this.session.snapshot);
    this.subs.push(this.session.onState((s) => this.onState(s)));
    this.subs.push(this.session.notices$.subscribe((n) => this.collecting?.push(n)));
    this.subs.push(this.session.readbackChanges().subscribe((device) => {
      this.changes$.next(device);
      this.changes$.next('interlocks');
      this.changes$.next('links');
    }));
    this.subs.push(this.session.records$.subscribe((r) => {
      this.tail.push(r, new Date(this.wallNowMs()).toISOString());
      this.changes$.next('journal');
    }));
    return this;
  }

  stop(): void {
    this.subs.forEach((s) => s.unsubscribe());
  }

  /** Increments on every session state change, registration change and accepted command. */
  get stateVersion(): number {
    return this.version;
  }

  snapshot(): Record<string, unknown> {
    return fullSnapshot(this.version, this.sources());
  }

  topic(name: Topic): unknown {
    return topicData(name, this.sources());
  }

  /**
   * Runs one command for `identity` after every command before it (serialized). The
   * identity's role decides; nothing in the command can name a role.
   */
  execute(raw: unknown, identity: Identity, requestId: string): Promise<CommandOutcome> {
    const run = this.queue.then(() => this.executeNow(raw, identity, requestId));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private executeNow(raw: unknown, identity: Identity, requestId: string): CommandOutcome {
    const type = typeof (raw as { type?: unknown })?.type === 'string' ? String((raw as { type: string }).type).slice(0, 64) : undefined;
    const parsed = ConsoleCommandSchema.safeParse(raw);
    let result: HandlerResult;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      result = { ok: false, code: 'INPUT_INVALID', message: issue.message, field: issue.path.join('.') || 'body' };
    } else if (!ALLOWED_ROLES[parsed.data.type].includes(identity.role)) {
      result = { ok: false, code: 'ROLE_FORBIDDEN', message: `${parsed.data.type} needs the role ${ALLOWED_ROLES[parsed.data.type].join(' or ')}; ${identity.user} is ${identity.role}`, field: 'role' };
    } else if (!SAFETY_COMMAND_TYPES.has(parsed.data.type) && (parsed.data.basedOnStateVersion ?? -1) < this.version) {
      result = { ok: false, code: 'STALE_STATE', message: `based on state version ${parsed.data.basedOnStateVersion}; the state is now at ${this.version}`, field: 'basedOnStateVersion', limit: this.version };
    } else {
      result = handle(parsed.data, {
        session: this.session,
        registrations: this.registrations,
        identity,
        resolvePlan: (c) => this.resolvePlan(c),
        sendCollecting: (f) => this.sendCollecting(f),
        interlockActive: (id) => interlocksPart(this.session.snapshot.context, this.opts.clock.nowMs()).some((i) => i.id === id && i.status !== 'clear'),
        interruptedFraction: (plan) => interruptedFraction(journalDir(this.opts.config), plan),
      });
    }
    if (result.ok) this.bump('registrations');
    this.journal(parsed.success ? parsed.data : undefined, type, identity, requestId, result);
    return result.ok ? { ok: true, stateVersion: this.version } : { ...result, stateVersion: this.version };
  }

  private journal(cmd: { type: string; reason?: string } | undefined, type: string | undefined, identity: Identity, requestId: string, r: HandlerResult): void {
    this.session.note('operator', {
      type: 'CONSOLE_COMMAND', command: cmd?.type ?? type ?? null, user: identity.user, role: identity.role, requestId,
      outcome: r.ok ? 'accepted' : r.code, reason: cmd?.reason, refusal: r.ok ? undefined : r.message, detail: r.ok ? r.detail : undefined,
    });
  }

  private sendCollecting(f: () => void): readonly SessionNotice[] {
    const notices: SessionNotice[] = [];
    this.collecting = notices;
    try {
      f();
    } finally {
      this.collecting = undefined;
    }
    return notices;
  }

  private resolvePlan(c: { planId?: string; plan?: unknown }): Plan {
    const cfg = this.opts.config;
    let raw = c.plan;
    if (c.planId !== undefined) {
      if (!this.opts.plansDir) throw new BridgeError('INPUT_INVALID', 'no plan library is configured (bridge.console.plansDir): send the plan inline', { field: 'planId' });
      const file = path.join(this.opts.plansDir, `${c.planId}.json`);
      if (!fs.existsSync(file)) throw new BridgeError('INPUT_INVALID', `no plan ${c.planId} in the plan library`, { field: 'planId' });
      const parsed = parseJsonWithin(fs.readFileSync(file), file, JSON_LIMITS.plan);
      if (!parsed.ok) throw parsed.error;
      raw = parsed.value;
    }
    return validatePlan(raw, cfg.mlc, Object.keys(cfg.bridge.actionLevels), cfg.bridge.delivery);
  }

  private onState(s: SessionSnapshot): void {
    const c = s.context;
    const key = [stateName(s.value), c.plan?.planId, c.beamIndex, c.segmentIndex, c.pending?.registration.id, c.latchedFaults.join(','), c.appliedCorrectionIds.length].join('|');
    const queueChanged = this.registrations.observe(c.pending, c.appliedCorrectionIds, new Date(this.wallNowMs()).toISOString());
    if (key !== this.stateKey) {
      this.stateKey = key;
      this.bump('session');
      this.changes$.next('interlocks');
      this.changes$.next('couch');
      this.changes$.next('mlc');
      this.changes$.next('beam');
    }
    if (queueChanged) this.changes$.next('registrations');
  }

  private bump(topic: Topic): void {
    this.version++;
    this.changes$.next(topic);
    this.changes$.next('session');
  }

  private sources(): SnapshotSources {
    return {
      state: this.session.snapshot,
      readback: this.session.readback(),
      config: this.opts.config,
      nowMs: this.opts.clock.nowMs(),
      registrations: this.registrations,
      tail: this.tail,
      imaging: { fresh: false, detail: 'not judged: the imaging link has no heartbeat (results arrive when an image is registered; no interlock depends on it)' },
    };
  }
}
