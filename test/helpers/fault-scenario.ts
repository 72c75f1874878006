/**
 * What a fault-injection scenario is and what it reports, and the steps most
 * scenarios share (a room on the beam, plans, the journal read back).
 */
import { BeamState } from '../../src/protocol/beam-protocol.js';
import type { Plan } from '../../src/domain/plan/plan.js';
import { readJournal, type JournalEntry } from '../../src/journal/journal.js';
import { examplePlan } from './session-harness.js';
import { journalLoss, type FaultRoom } from './fault-room.js';
import { until } from './wait.js';

/** One line of the campaign's report (`npm run faults -- --json`). */
export interface ScenarioResult {
  readonly name: string;
  readonly injected: string;
  /** What the bridge (or the linac itself) detected: interlock ids, a rejection code, the watchdog. */
  readonly detected: string;
  /** What reached the linac: HOLD, TERMINATE, its own watchdog hold, or none. */
  readonly action: string;
  /** Injection → linac readback beam off, ms (null when the beam stays on by design or was not on). */
  readonly msToSafeState: number | null;
  readonly unsafe: boolean;
  readonly lostRecords: number;
  /** Expected outcomes (session state, beam status, interlock ids, journal entries) that did not hold. */
  readonly failedChecks: string[];
}

export interface RunOptions {
  /** Added to every stated time before a beam left on counts as unsafe (CI on a loaded machine). */
  readonly slackMs: number;
}

export interface FaultScenario {
  readonly name: string;
  readonly injected: string;
  /** Part of the CI-sized subset run by vitest. */
  readonly ci?: boolean;
  run(opts: RunOptions): Promise<ScenarioResult>;
}

/** Collects failed expectations instead of throwing, so every scenario reports all it found. */
export class Checks {
  readonly failed: string[] = [];
  that(ok: boolean, what: string): void {
    if (!ok) this.failed.push(what);
  }
  equal(actual: unknown, expected: unknown, what: string): void {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) this.failed.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  includes(list: readonly unknown[], item: unknown, what: string): void {
    if (!list.includes(item)) this.failed.push(`${what}: ${JSON.stringify(item)} not in ${JSON.stringify(list)}`);
  }
  /** Waits for a condition; a timeout is a failed check, not a crash. */
  async until(cond: () => boolean, timeoutMs: number, what: string): Promise<boolean> {
    try {
      await until(cond, timeoutMs, what);
      return true;
    } catch (e) {
      this.failed.push(String((e as Error).message));
      return false;
    }
  }
}

/** One beam, one 1000 MU segment: the beam stays on long enough for any injection. */
export const longPlan: Plan = {
  ...examplePlan,
  beams: [{
    ...examplePlan.beams[0],
    segments: [{ mu: 1000, rows: examplePlan.beams[0].segments[0].rows }],
    fluence: examplePlan.beams[0].segments[0].rows.map((iv) => Array.from({ length: examplePlan.beams[0].grid.cols }, (_, c) => (iv && c >= iv[0] && c <= iv[1] ? 1000 : 0))),
  }],
};

export const subjectOf = (p: Plan) => ({ patientId: p.patientId, planId: p.planId, fraction: p.fraction });
export const CORRECTION = { lateralMm: 1, longitudinalMm: -0.5, verticalMm: 0.5, pitchDeg: 0.2, rollDeg: 0, yawDeg: 0.3 };

/** Plan → registration → approval → couch → MLC → ready. */
export async function toReady(f: FaultRoom, plan: Plan = longPlan): Promise<void> {
  f.session.loadPlan(plan);
  await until(() => f.state() === 'setup.awaitingRegistration', 10_000, 'awaiting registration');
  f.room.imaging.acquire(subjectOf(plan), CORRECTION);
  await until(() => f.state() === 'setup.awaitingApproval', 10_000, 'awaiting approval');
  f.session.approve(f.session.snapshot.context.pending!.registration.id, { user: 'faults', role: 'therapist' });
  await until(() => f.state() === 'ready', 20_000, 'ready');
}

/** …and BEAM_ON, until the linac reports the beam on with dose delivered. */
export async function toBeamOn(f: FaultRoom, plan: Plan = longPlan, minMu = 1): Promise<void> {
  await toReady(f, plan);
  f.session.send({ type: 'BEAM_ON', operator: 'faults' });
  await until(() => f.room.beam.status.state === BeamState.BeamOn && f.room.beam.status.mu1 > minMu, 10_000, 'beam on at the linac');
}

/** The session's active interlocks, hold causes and latched faults together. */
export function interlocksOf(f: FaultRoom): string[] {
  const c = f.session.snapshot.context;
  return [...new Set([...c.latchedFaults, ...c.holdCauses])].sort();
}

export const entries = (f: FaultRoom): JournalEntry[] => readJournal(f.journal.file).entries;
export const ofKind = (es: JournalEntry[], kind: string) => es.filter((e) => e.kind === kind).map((e) => e.data as Record<string, any>);
export const commandsJournaled = (es: JournalEntry[]): string[] => ofKind(es, 'command').map((d) => d.command as string);
export const deviceEvents = (es: JournalEntry[], device: string): string[] => ofKind(es, 'device-event').filter((d) => d.device === device).map((d) => d.type as string);

/** The linac's first safety command after the injection, or its own hold. */
export function actionAtLinac(f: FaultRoom): string {
  const c = f.watch.firstCommand('Hold', 'Terminate');
  if (c) return c.cmd === 'Hold' ? 'HOLD' : 'TERMINATE';
  if (f.room.beam.status.watchdogHold) return 'linac watchdog hold';
  return 'none';
}

/** Closes the room and builds the result: the journal is read back after the session stopped. */
export async function finish(f: FaultRoom, s: { name: string; injected: string; detected: string; action: string; beamStaysOn?: boolean }, checks: Checks): Promise<ScenarioResult> {
  const ms = f.watch.msToSafeState;
  await f.close(); // the journal is flushed and closed, every record the session handed it counted
  const loss = journalLoss(f.journal.file, { expected: f.appended(), writerLost: f.journal.status().lostRecords });
  if (loss.lost > 0) checks.that(false, loss.detail);
  const lost = loss.lost;
  return {
    name: s.name, injected: s.injected, detected: s.detected, action: s.action,
    msToSafeState: ms === undefined ? null : Math.round(ms * 10) / 10,
    unsafe: f.watch.unsafe, lostRecords: lost,
    failedChecks: f.watch.unsafe ? [f.watch.unsafeDetail, ...checks.failed] : checks.failed,
  };
}
