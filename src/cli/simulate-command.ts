/** `linac-bridge simulate <plan.json>`: one fraction end to end on the embedded simulators. */
import path from 'node:path';
import { fmtPose, runFraction } from '../bridge/fraction-runner.js';
import type { FractionRecord } from '../bridge/fraction-record.js';
import { loadConfig } from '../config/load-config.js';
import { loadPlanFile } from '../domain/plan/validate-plan.js';
import { parseCount, parsePose, parsePositive } from './parse-args.js';
import { checkOperator } from '../core/identifiers.js';
import { JSON_LIMITS } from '../core/json-limits.js';
import { readInput } from './read-input.js';
import { startEmbeddedRoom, waitForLinks } from './embedded-room.js';

export interface SimulateOptions {
  readonly config?: string;
  readonly json?: boolean;
  readonly timeScale?: string;
  readonly setupError: string;
  readonly operator: string;
  readonly timeout: string;
  readonly maxResumes: string;
}

export async function simulateCommand(planFile: string, o: SimulateOptions): Promise<number> {
  const operator = checkOperator(o.operator, '--operator');
  const timeoutMs = parsePositive(o.timeout, '--timeout', 3_600_000, 'ms');
  const maxResumes = parseCount(o.maxResumes, '--max-resumes', 20);
  const cfg = loadConfig(o.config);
  const plan = loadPlanFile(readInput(planFile, 'plan', JSON_LIMITS.plan.maxBytes), planFile, cfg.mlc, Object.keys(cfg.bridge.actionLevels), cfg.bridge.delivery);
  const setupError = parsePose(o.setupError, '--setup-error');
  const timeScale = o.timeScale !== undefined ? parsePositive(o.timeScale, '--time-scale', 100) : undefined;
  const log = (line: string): void => {
    if (!o.json) process.stdout.write(`${new Date().toISOString().slice(11, 23)}  ${line}\n`);
  };
  const journalName = `${plan.planId}-fx${plan.fraction}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
  const embedded = await startEmbeddedRoom(cfg, { timeScale, journalName, realtime: true, onRejected: (m) => log(`registration rejected: ${m}`) });
  let record: FractionRecord;
  try {
    await waitForLinks(embedded.session, 5000);
    log(`simulators up (MLC ${cfg.mlc.id}, couch ${cfg.couch.id}); journal ${path.relative(process.cwd(), embedded.journal.file)}`);
    embedded.session.notices$.subscribe((n) => n.kind === 'permit-denied' && log(`beam-on refused: ${n.unmet.join(', ')}`));
    record = await runFraction(embedded.session, plan, {
      operator,
      log,
      timeoutMs,
      resumeAfterHold: { maxResumes, waitMs: 1000, giveUpAfterMs: 30_000 },
      acquireImage: () => embedded.room.imaging.acquire({ patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction }, setupError),
    });
  } finally {
    await embedded.close();
  }
  const withJournal = { ...record, journal: embedded.journal.file };
  if (o.json) process.stdout.write(`${JSON.stringify(withJournal, null, 2)}\n`);
  else printSummary(withJournal);
  const ok = record.outcome === 'complete' && record.beams.every((b) => b.muWithinTolerance) && record.couch?.withinTolerance === true;
  return ok ? 0 : 1;
}

function printSummary(r: FractionRecord): void {
  const out = (s: string): void => void process.stdout.write(`${s}\n`);
  out('');
  out(`fraction ${r.fraction} of ${r.planId} (${r.patientId}): ${r.outcome.toUpperCase()}`);
  if (r.couch) out(`couch: final ${fmtPose(r.couch.finalPose)}; max deviation ${r.couch.maxDeviationMm} mm / ${r.couch.maxDeviationDeg}° (tolerance ${r.couch.toleranceMm} mm / ${r.couch.toleranceDeg}°) ${r.couch.withinTolerance ? 'OK' : 'OUT OF TOLERANCE'}`);
  for (const b of r.beams) {
    out(`beam ${b.id} ${b.name}: planned ${b.plannedMu} MU, delivered ${b.deliveredMu1} / ${b.deliveredMu2} MU (ch1/ch2) ${b.muWithinTolerance ? 'OK' : 'OUT OF TOLERANCE'}; ${b.segments.length} segments; fluence from readback max error ${b.fluence.maxAbsErrorMu} MU`);
  }
  if (r.holds.length) out(`holds: ${r.holds.map((h) => `${h.causes.join('+') || 'operator/linac'}${h.resumedBy ? ` (resumed by ${h.resumedBy})` : ' (not resumed)'}`).join(', ')}`);
  if (r.faultReason) out(`fault: ${r.faultReason}`);
  out(`journal: ${r.journal}`);
}
