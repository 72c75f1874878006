/** `linac-bridge simulate <plan.json | rtplan.dcm>`: one fraction end to end on the embedded simulators. */
import path from 'node:path';
import { beamTotals } from '../bridge/delivery-ledger.js';
import { latestRun } from '../bridge/fraction-recovery.js';
import { fmtPose, runFraction, type RunnerOptions } from '../bridge/fraction-runner.js';
import type { FractionRecord } from '../bridge/fraction-record.js';
import { remainingRun } from '../bridge/remaining-work.js';
import { safeStop } from '../bridge/safe-stop.js';
import { journalDir, loadConfig, type LoadedConfig } from '../config/load-config.js';
import { Journal } from '../journal/journal.js';
import { beamRecords } from '../bridge/record-builder.js';
import { BridgeError } from '../core/bridge-error.js';
import type { Plan } from '../domain/plan/plan.js';
import { isJsonPlanFile, loadDicomPlanForDelivery, loadJsonPlan, type LoadedPlan } from '../bridge/plan-source.js';
import { fullRun } from '../bridge/remaining-work.js';
import { SegmentReadback } from '../bridge/segment-readback.js';
import { recordPath, writeTreatmentRecord } from '../bridge/write-treatment-record.js';
import { parseCount, parsePose, parsePositive } from './parse-args.js';
import { checkOperator } from '../core/identifiers.js';
import { JSON_LIMITS } from '../core/json-limits.js';
import { readInput } from './read-input.js';
import { acknowledgeLatched, latchesToCarry } from './latched-at-start.js';
import { startEmbeddedRoom, waitForLinks } from './embedded-room.js';
import { deliveredAny, deliveredPerBeam } from '../bridge/delivery-ledger.js';
import { describeRun, refusal } from './recovery-report.js';
import { STOP_EXIT, stopTriggers, type StopRequest } from './shutdown-signal.js';
import { DEFAULT_LOG_PERIOD_MS, DeliveryLogger } from '../bridge/delivery-logger.js';
import { systemClock } from '../core/clock.js';
import { writeDeliveryLogs } from './delivery-log-output.js';

export interface SimulateOptions {
  readonly config?: string;
  readonly json?: boolean;
  readonly timeScale?: string;
  readonly setupError: string;
  readonly operator: string;
  /** The physician who approves a review-level correction; absent: such a correction is not approved. */
  readonly physician?: string;
  readonly timeout: string;
  readonly maxResumes: string;
  /** Continue an interrupted run of this fraction with only the remaining MU. */
  readonly resume?: boolean;
  /** --operator was given on the command line (a resume needs a named operator, not the default). */
  readonly operatorGiven?: boolean;
  /** The room's last session ended latched: the operator acknowledges it with a RESET before the run. */
  readonly acknowledgeLatched?: boolean;
  /** Write one trajectory log (+ JSON summary) per beam here, sampled every 20 ms. */
  readonly logDir?: string;
  /** Where the RT Beams Treatment Record goes: a file or a folder; absent: beside the journal (docs/treatment-record.md). */
  readonly record?: string;
}

/** Manufacturer (0008,0070) written in records of simulated fractions. */
const SIMULATED_MANUFACTURER = 'linac-bridge simulators';

export async function simulateCommand(planFile: string, o: SimulateOptions): Promise<number> {
  const operator = checkOperator(o.operator, '--operator');
  const physician = o.physician === undefined ? undefined : checkOperator(o.physician, '--physician');
  const timeoutMs = parsePositive(o.timeout, '--timeout', 3_600_000, 'ms');
  const maxResumes = parseCount(o.maxResumes, '--max-resumes', 20);
  const cfg = loadConfig(o.config);
  // a DICOM RT Plan is imported and checked against this machine; a JSON plan loads exactly as before
  const loaded: LoadedPlan = isJsonPlanFile(planFile)
    ? loadJsonPlan(readInput(planFile, 'plan', JSON_LIMITS.plan.maxBytes), planFile, cfg)
    : loadDicomPlanForDelivery(planFile, cfg);
  const plan = loaded.plan;
  const setupError = parsePose(o.setupError, '--setup-error');
  const timeScale = o.timeScale !== undefined ? parsePositive(o.timeScale, '--time-scale', 100) : undefined;
  const log = (line: string): void => {
    if (!o.json) process.stdout.write(`${new Date().toISOString().slice(11, 23)}  ${line}\n`);
  };
  const carried = latchesToCarry(journalDir(cfg), o);
  const resume = resumeFrom(journalDir(cfg), plan, o, log);
  if (resume && resume.run.length === 0) return closeDelivered(cfg, loaded, resume, o);
  const triggers = stopTriggers(); // before the room: a signal during start-up stops it too
  let stop: StopRequest | undefined;
  void triggers.requested.then((r) => (stop = r));
  const journalName = `${plan.planId}-fx${plan.fraction}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
  const embedded = await startEmbeddedRoom(cfg, { timeScale, journalName, realtime: true, carriedLatches: carried, onRejected: (m) => log(`registration rejected: ${m}`) });
  const logger = o.logDir ? new DeliveryLogger(embedded.session.drivers, embedded.session.commands$, plan, cfg, systemClock, DEFAULT_LOG_PERIOD_MS, timeScale ?? cfg.bridge.simulation.timeScale) : undefined;
  logger?.start();
  let record: FractionRecord | undefined;
  let failure: unknown;
  // an expected refusal before anything is delivered (the RESET of carried latches): exit 2, not an internal error
  let refusal: BridgeError | undefined;
  // readback at each segment's start and end, for the treatment record (watches only)
  const readback = new SegmentReadback(embedded.session.drivers, resume?.run ?? fullRun(plan));
  readback.start();
  try {
    await Promise.race([waitForLinks(embedded.session, 5000), triggers.requested]);
    log(`simulators up (MLC ${cfg.mlc.id}, couch ${cfg.couch.id}); journal ${path.relative(process.cwd(), embedded.journal.file)}`);
    embedded.session.notices$.subscribe((n) => n.kind === 'permit-denied' && log(`beam-on refused: ${n.unmet.join(', ')}`));
    refusal = carried ? acknowledgeLatched(embedded.session, carried, operator, log, () => systemClock.nowMs()) : undefined;
    if (refusal) throw refusal;
    if (resume) embedded.session.note('operator', { type: 'RESUME_FRACTION', operator: o.operator, resumeOf: resume.recovered.journal, delivered: resume.baseline, journalMinusLinacMu: resume.recovered.journalMinusLinacMu });
    record = await runFraction(embedded.session, plan, {
      operator,
      physician,
      log,
      timeoutMs,
      resumeAfterHold: { maxResumes, waitMs: 1000, giveUpAfterMs: 30_000 },
      acquireImage: () => embedded.room.imaging.acquire({ patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction }, setupError),
      stopRequested: triggers.requested.then((r) => r.reason),
      resume,
    });
  } catch (e) {
    // the run itself failed, or was refused before it began: stop the devices all the same
    failure = e === refusal ? undefined : e;
    const reason = failure ? `internal error: ${(e as Error).message}` : `refused: ${(e as Error).message}`;
    embedded.session.halt();
    await safeStop(embedded.session.drivers, { append: (k, d) => embedded.session.note(k, d) }, reason);
  } finally {
    logger?.stop();
    readback.finish();
    const delivered = record?.beams.map((b) => ({ id: b.id, deliveredMu1: b.deliveredMu1, deliveredMu2: b.deliveredMu2 }));
    const why = failure ? `internal error: ${(failure as Error).message}` : refusal ? `refused: ${refusal.message}` : record?.outcome;
    await embedded.close({ reason: stop?.reason ?? record?.stopReason ?? why, outcome: record?.outcome, deliveredMu: delivered });
    triggers.dispose();
  }
  if (refusal) {
    if (stop) return stop.exitCode;
    throw refusal; // main reports it: one line on stderr, exit 2
  }
  if (!record) {
    process.stderr.write(`linac-bridge: internal error, devices stopped: ${(failure as Error)?.stack ?? String(failure)}\n`);
    return stop?.exitCode ?? STOP_EXIT.internalError;
  }
  const logs = logger && o.logDir ? await writeDeliveryLogs(o.logDir, plan, logger, log) : undefined;
  const treatmentRecord = saveTreatmentRecord({ record, model: loaded.model, format: loaded.format, operator, readback, config: cfg, manufacturer: SIMULATED_MANUFACTURER }, embedded.journal.file, o.record);
  const withJournal = { ...record, journal: embedded.journal.file, ...(logs ? { logs } : {}), ...(treatmentRecord ? { treatmentRecord } : {}) };
  if (o.json) process.stdout.write(`${JSON.stringify(withJournal, null, 2)}\n`);
  else printSummary(withJournal);
  if (stop) return stop.exitCode;
  const ok = treatmentRecord !== undefined && record.outcome === 'complete' && record.beams.every((b) => b.muWithinTolerance) && record.couch?.withinTolerance === true;
  return ok ? 0 : 1;
}

/**
 * Scans the journal folder for the latest run of this fraction. Refuses
 * re-delivery in full after an interrupted run that delivered MU; with
 * --resume, returns the remaining work on top of what was delivered.
 */
function resumeFrom(dir: string, plan: Plan, o: SimulateOptions, log: (l: string) => void): RunnerOptions['resume'] | undefined {
  const last = latestRun(dir, plan);
  const interrupted = last && last.ended !== 'complete' ? last : undefined;
  if (!o.resume) {
    if (interrupted && deliveredAny(interrupted.delivered)) throw refusal(interrupted);
    if (interrupted) log(`an earlier run delivered nothing: ${describeRun(interrupted)}`);
    return undefined;
  }
  if (!o.operatorGiven) throw new BridgeError('INPUT_INVALID', 'a resume is an operator action: name the operator', { field: '--operator', limit: 'required with --resume' });
  if (!interrupted) throw new BridgeError('INPUT_INVALID', `no interrupted run of ${plan.planId} fraction ${plan.fraction} for ${plan.patientId} in ${dir}`, { field: '--resume' });
  log(describeRun(interrupted));
  const run = remainingRun(plan, interrupted.delivered);
  const recovered = {
    journal: interrupted.journal, operator: o.operator, journalMinusLinacMu: interrupted.journalMinusLinacMu,
    beams: plan.beams.map((b) => ({ id: b.id, deliveredMu1: round3(beamTotals(interrupted.delivered, b.id).mu1), deliveredMu2: round3(beamTotals(interrupted.delivered, b.id).mu2) })),
  };
  if (run.length === 0) log(`nothing remains to deliver: ${deliveredPerBeam(interrupted.delivered)}`);
  else log(`resuming for ${o.operator}: delivered ${deliveredPerBeam(interrupted.delivered)}; remaining ${run.map((r) => `beam ${r.beamId} ${round3(r.segments.reduce((a, x) => a + x.mu, 0))} MU from segment ${r.segments[0].index + 1}`).join(', ')}`);
  return { run, baseline: interrupted.delivered, recovered };
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * The interrupted run had delivered everything (it was killed after the last
 * segment, before its record): the resume only closes the fraction in the
 * journal, with the record of what was delivered; no device is started.
 */
async function closeDelivered(cfg: LoadedConfig, loaded: LoadedPlan, resume: NonNullable<RunnerOptions['resume']>, o: SimulateOptions): Promise<number> {
  const plan = loaded.plan;
  const journal = Journal.open(path.join(journalDir(cfg), `${plan.planId}-fx${plan.fraction}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`), cfg.bridge.journal.fsync);
  const at = new Date().toISOString();
  journal.append('session', { event: 'fraction', patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction, run: [], baseline: resume.baseline, resumeOf: resume.recovered.journal, resumedBy: o.operator });
  journal.append('operator', { type: 'RESUME_FRACTION', operator: o.operator, resumeOf: resume.recovered.journal, delivered: resume.baseline, journalMinusLinacMu: resume.recovered.journalMinusLinacMu });
  const beams = await beamRecords(plan, resume.baseline, () => undefined, cfg.bridge.tolerances.deliveredMuToleranceMu);
  const record: FractionRecord = { patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction, outcome: 'complete', startedAt: at, endedAt: at, resumed: resume.recovered, beams, holds: [], framesRejected: { mlc: 0, couch: 0, beam: 0 } };
  journal.append('record', record);
  journal.append('session', { event: 'stop', reason: 'nothing left to deliver', outcome: 'complete', deliveredMu: beams.map((b) => ({ id: b.id, deliveredMu1: b.deliveredMu1, deliveredMu2: b.deliveredMu2 })) });
  journal.close();
  // no device ran: the record's leaves and couch come from no readback (plan positions, docs/treatment-record.md)
  const treatmentRecord = saveTreatmentRecord({ record, model: loaded.model, format: loaded.format, operator: o.operator, config: cfg, manufacturer: SIMULATED_MANUFACTURER }, journal.file, o.record);
  const out = { ...record, journal: journal.file, ...(treatmentRecord ? { treatmentRecord } : {}) };
  if (o.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else printSummary(out);
  return treatmentRecord !== undefined && beams.every((b) => b.muWithinTolerance) ? 0 : 1;
}

/**
 * Writes the RT Beams Treatment Record; a failure is reported (the run's exit
 * code then says failure), never thrown. Nothing delivered: no record, said on stderr.
 */
function saveTreatmentRecord(source: Parameters<typeof writeTreatmentRecord>[0], journalFile: string, target: string | undefined): string | undefined {
  try {
    const file = writeTreatmentRecord(source, recordPath(journalFile, target));
    if (!file) process.stderr.write('linac-bridge: no treatment record: no beam delivered any MU\n');
    return file;
  } catch (e) {
    process.stderr.write(`linac-bridge: the treatment record was not written: ${(e as Error).message}\n`);
    return undefined;
  }
}

function printSummary(r: FractionRecord & { treatmentRecord?: string }): void {
  const out = (s: string): void => void process.stdout.write(`${s}\n`);
  out('');
  out(`fraction ${r.fraction} of ${r.planId} (${r.patientId}): ${r.outcome.toUpperCase()}`);
  if (r.couch) out(`couch: final ${fmtPose(r.couch.finalPose)}; max deviation ${r.couch.maxDeviationMm} mm / ${r.couch.maxDeviationDeg}° (tolerance ${r.couch.toleranceMm} mm / ${r.couch.toleranceDeg}°) ${r.couch.withinTolerance ? 'OK' : 'OUT OF TOLERANCE'}`);
  for (const b of r.beams) {
    out(`beam ${b.id} ${b.name}: planned ${b.plannedMu} MU, delivered ${b.deliveredMu1} / ${b.deliveredMu2} MU (ch1/ch2) ${b.muWithinTolerance ? 'OK' : 'OUT OF TOLERANCE'}; ${b.segments.length} segments; ${beamCheck(b)}`);
  }
  if (r.holds.length) out(`holds: ${r.holds.map((h) => `${h.causes.join('+') || 'operator/linac'}${h.resumedBy ? ` (resumed by ${h.resumedBy})` : ' (not resumed)'}`).join(', ')}`);
  if (r.faultReason) out(`fault: ${r.faultReason}`);
  if (r.resumed) out(`resumed by ${r.resumed.operator} after ${r.resumed.journal}: ${r.resumed.beams.map((b) => `beam ${b.id} ${b.deliveredMu1} MU`).join(', ')} then (journal record − linac counters ${r.resumed.journalMinusLinacMu} MU)`);
  if (r.stopReason) out(`stopped: ${r.stopReason}`);
  out(`journal: ${r.journal}`);
  if (r.treatmentRecord) out(`treatment record: ${r.treatmentRecord}`);
}

/** A step-and-shoot beam's fluence check, or a dynamic beam's leaf error against its trajectory. */
function beamCheck(b: FractionRecord['beams'][number]): string {
  if (b.fluence) return `fluence from readback max error ${b.fluence.maxAbsErrorMu} MU`;
  const t = b.trajectory;
  if (!t) return 'dynamic: no MLC readback judged';
  const leaf = t.worstLeaf ? ` (bank ${t.worstLeaf.bank} leaf pair ${t.worstLeaf.pair} at ${t.worstLeaf.mu} MU)` : '';
  return `dynamic: ${t.readbacksJudged} MLC readbacks against the trajectory, max leaf error ${t.maxLeafErrorMm} mm${leaf}, tolerance ${t.toleranceMm} mm, skew window <= ${t.maxSkewWindowMs.toFixed(1)} ms`;
}
