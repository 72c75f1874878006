/**
 * `linac-bridge qa run <check|daily|monthly>` and `qa history` (docs/qa.md).
 * Exit codes: 0 every check within tolerance (action levels included), 1 a check failed,
 * 2 bad input (an unknown check or --inject spec, a tolerance table refused).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { journalDir, loadConfig } from '../../config/load-config.js';
import { BridgeError } from '../../core/bridge-error.js';
import { printable } from '../../core/identifiers.js';
import { PROJECT_ROOT } from '../../core/project-root.js';
import { selectChecks, type QaFrequency } from '../../qa/checks/index.js';
import { parseInjectSpecs } from '../../qa/inject/inject-spec.js';
import { Journal } from '../../journal/journal.js';
import { reportHtml } from '../../qa/report/report-html.js';
import { reportJson } from '../../qa/report/report-json.js';
import { runQa, type QaRunRecord } from '../../qa/runner.js';
import { QaStore } from '../../qa/store/qa-store.js';
import { loadToleranceTable } from '../../qa/tolerance-table.js';
import { parseNumber } from '../parse-args.js';
import { progressReporter } from './progress-bar.js';
import { startSimRig } from './sim-rig.js';

export interface QaRunOptions {
  readonly config?: string;
  readonly simulate?: boolean;
  readonly inject: readonly string[];
  readonly report?: string;
  readonly operator?: string;
  readonly machine?: string;
  readonly srs?: boolean;
  readonly tolerances: readonly string[];
  readonly db?: string;
  readonly timeScale: string;
  readonly json?: boolean;
}

const software = (): string => `linac-bridge ${(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version}`;

/** The results database: --db, else LINAC_BRIDGE_QA_DB, else qa.sqlite in the journal folder. */
export function qaDbFile(cfg: ReturnType<typeof loadConfig>, db?: string): string {
  return db ?? process.env.LINAC_BRIDGE_QA_DB ?? path.join(journalDir(cfg), 'qa.sqlite');
}

export async function qaRunCommand(selector: string, o: QaRunOptions): Promise<number> {
  // all input is checked before any simulator starts
  const inject = parseInjectSpecs(o.inject);
  const checks = selectChecks(selector);
  const cfg = loadConfig(o.config);
  const tolerances = loadToleranceTable(o.tolerances);
  const timeScale = parseNumber(o.timeScale, '--time-scale', { min: 1, max: 100 });
  if (!o.simulate) throw new BridgeError('INPUT_INVALID', 'QA on a real machine needs the physicist prompted for each room action; only --simulate is built so far', { field: '--simulate', limit: 'required' });
  if (inject.length && !o.simulate) throw new BridgeError('INPUT_INVALID', 'faults are injected into simulators only', { field: '--inject' });
  const progress = progressReporter(process.stderr);
  // QA sessions are journaled beside the database, in a folder of their own: the room's latch and
  // recovery checks read only the journal folder's own *.jsonl, never a QA trial's deliberate faults
  const dbFile = qaDbFile(cfg, o.db);
  const journalFile = path.join(path.dirname(path.resolve(dbFile)), 'qa-journal', `qa-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  const journal = Journal.open(journalFile, cfg.bridge.journal.fsync);
  journal.append('session', { event: 'qa-run', selector, inject: o.inject, operator: o.operator ?? os.userInfo().username });
  const sim = await startSimRig(cfg, { timeScale, inject, journal });
  let run: QaRunRecord;
  try {
    const frequency = (['daily', 'weekly', 'monthly'] as const).find((f): f is QaFrequency => f === selector);
    run = await runQa(checks, { rig: sim.rig, tolerances, srs: o.srs === true, frequency, outputDir: o.report }, { machine: o.machine ?? 'simulated-linac', operator: o.operator ?? os.userInfo().username, software: software() }, progress.update);
  } finally {
    progress.done();
    await sim.close();
    journal.close();
  }
  const store = QaStore.open(dbFile);
  store.save(run);
  if (o.report) writeReport(o.report, run, store);
  store.close();
  process.stdout.write(o.json ? `${JSON.stringify(reportJson(run), null, 2)}\n` : `${summary(run)}  journal: ${journalFile}\n`);
  return run.status === 'fail' ? 1 : 0;
}

function writeReport(dir: string, run: QaRunRecord, store: QaStore): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'report.json'), `${JSON.stringify(reportJson(run), null, 2)}\n`);
  const trend = run.checks.map((c) => ({ check: c.name, points: store.trend(c.name, run.machine).map((p) => ({ startedAt: p.startedAt, fraction: p.worstFraction, status: p.status })) }));
  fs.writeFileSync(path.join(dir, 'report.html'), reportHtml(run, trend));
}

function summary(run: QaRunRecord): string {
  const lines = [`QA ${run.machine} ${run.startedAt} (${run.operator}): ${run.status}`];
  for (const c of run.checks) {
    lines.push(`  ${c.name.padEnd(22)} ${c.status}`);
    for (const i of c.items.filter((x) => x.status !== 'pass')) lines.push(`    ${i.status.padEnd(6)} ${i.id}: measured ${i.measured} ${i.unit}, expected ${i.expected}, error ${i.error}`);
    for (const n of c.status === 'fail' && c.items.length === 0 ? (c.notes ?? []) : []) lines.push(`    ${printable(n)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function qaHistoryCommand(o: { config?: string; check?: string; db?: string; machine?: string; json?: boolean }): number {
  const cfg = loadConfig(o.config);
  const file = qaDbFile(cfg, o.db);
  if (!fs.existsSync(file)) throw new BridgeError('INPUT_INVALID', 'no QA results yet', { field: '--db', actual: file });
  const store = QaStore.open(file);
  try {
    if (o.check) {
      const trend = store.trend(o.check, o.machine);
      if (!trend.length) throw new BridgeError('INPUT_INVALID', 'no runs of this check', { field: '--check', actual: o.check, limit: store.checkNames().join(' | ') || 'none' });
      process.stdout.write(o.json ? `${JSON.stringify(trend, null, 2)}\n` : `${trend.map((p) => `${p.startedAt}  ${p.machine}  ${p.status.padEnd(6)}  ${p.worstFraction.toFixed(2)} of tolerance${p.worstItem ? ` (${p.worstItem})` : ''}`).join('\n')}\n`);
    } else {
      const runs = store.runs(50, o.machine);
      process.stdout.write(o.json ? `${JSON.stringify(runs, null, 2)}\n` : `${runs.map((r) => `${r.startedAt}  ${r.machine}  ${r.status.padEnd(6)}  ${r.operator}  ${r.checks}`).join('\n')}\n`);
    }
  } finally {
    store.close();
  }
  return 0;
}
