/**
 * The common shape of a mid-beam fault: a room on the beam, one fault
 * injected, then the expected session state, linac readback, interlock ids
 * and journaled command checked, and the linac watched for a beam left on.
 */
import type { Plan } from '../../src/domain/plan/plan.js';
import type { JournalEntry } from '../../src/journal/journal.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { until } from './wait.js';
import { startFaultRoom, type FaultRoom, type FaultRoomOptions } from './fault-room.js';
import { actionAtLinac, Checks, commandsJournaled, entries, finish, interlocksOf, longPlan, toBeamOn, toReady, type FaultScenario, type ScenarioResult } from './fault-scenario.js';

export interface MidBeamSpec {
  readonly name: string;
  readonly injected: string;
  readonly ci?: boolean;
  readonly room?: FaultRoomOptions;
  readonly plan?: Plan;
  /** Inject on the beam (default) or in `ready`, armed with the beam off. */
  readonly at?: 'beamOn' | 'ready';
  /** MU the linac must show before the injection. */
  readonly minMu?: number;
  /** The stated time from injection to the beam off at the linac, ms (config-derived). */
  deadlineMs(f: FaultRoom): number;
  inject(f: FaultRoom): void;
  /** Expected outcome. */
  readonly state: string | readonly string[];
  readonly linac: readonly BeamState[];
  readonly interlocks: readonly string[];
  /** The fault must not stop the beam (it is tolerated): judged only on beam-on under an active interlock. */
  readonly beamStaysOn?: boolean;
  /** The safety command the session must have journaled (and sent). */
  readonly command?: 'HOLD_BEAM' | 'TERMINATE_BEAM';
  /** Further checks once the outcome is reached (recovery, journal entries). */
  after?(f: FaultRoom, checks: Checks, es: () => JournalEntry[]): Promise<void>;
  /** How the detection is named in the report (default: the interlock ids). */
  detected?(f: FaultRoom): string;
}

export function midBeam(spec: MidBeamSpec): FaultScenario {
  return {
    name: spec.name, injected: spec.injected, ci: spec.ci,
    async run(opts): Promise<ScenarioResult> {
      const f = await startFaultRoom(spec.room);
      const checks = new Checks();
      let detected = '';
      let action = 'none';
      try {
        if (spec.at === 'ready') {
          await toReady(f, spec.plan ?? longPlan);
          // `ready` can come a poll before the linac's readback shows the segment end: inject once both have it
          await until(() => f.room.beam.status.segmentEndMu > 0 && (f.session.snapshot.context.evidence.beam?.status.segmentEndMu ?? 0) > 0, 3000, 'segment end loaded');
        }
        else await toBeamOn(f, spec.plan ?? longPlan, spec.minMu ?? 1);
        const deadline = spec.deadlineMs(f) + opts.slackMs;
        f.watch.inject(deadline, !spec.beamStaysOn, () => spec.inject(f));
        const states = typeof spec.state === 'string' ? [spec.state] : spec.state;
        await checks.until(() => spec.linac.includes(f.room.beam.status.state), deadline + 2000, `linac ${spec.linac.map((s) => BeamState[s]).join('|')}`);
        if (!(await checks.until(() => states.includes(f.state()), 2000, `session ${states.join('|')}`))) checks.that(false, `session is ${f.state()} (${interlocksOf(f).join(' ')}; ${f.session.snapshot.context.faultReason ?? ''})`);
        for (const id of spec.interlocks) checks.includes(interlocksOf(f), id, 'interlocks');
        if (spec.command) checks.includes(commandsJournaled(entries(f)), spec.command, 'journaled commands');
        detected = spec.detected?.(f) ?? interlocksOf(f).join(' ');
        action = actionAtLinac(f);
        await spec.after?.(f, checks, () => entries(f));
        if (spec.detected) detected = spec.detected(f);
        action = actionAtLinac(f);
      } catch (e) {
        checks.that(false, `scenario error: ${(e as Error).message}`);
      }
      return finish(f, { name: spec.name, injected: spec.injected, detected: detected || 'nothing', action, beamStaysOn: spec.beamStaysOn }, checks);
    },
  };
}

/** The linac's beam-link heartbeat period: the bridge learns of door, e-stop and MU no faster. */
export const beamPeriodMs = (f: FaultRoom): number => f.config.bridge.links.beam.heartbeatMs;
/** The session's tick (staleness is judged on it). */
export const TICK_MS = 20;
/** Margin on top of the detection period: the 100 ms vendors specify for an external beam hold (docs: domain.md). */
export const VENDOR_HOLD_MS = 100;
/** Time for the linac to deliver `mu` at the plan's dose rate (room time scale applied), ms. */
export const msForMu = (f: FaultRoom, mu: number): number => (mu / f.room.beam.status.doseRateMuPerMin) * 60_000 / f.room.options.timeScale;
