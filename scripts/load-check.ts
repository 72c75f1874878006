/**
 * Long timing checks of the main job, not part of `npm test` (minutes of real time):
 *
 *   idle   N runs of `linac-bridge simulate examples/two-beam-step-and-shoot.json`, one after another
 *   busy   N runs with two CPU busy loops (`node -e 'for(;;){}'` ×2) beside each, killed after it
 *   flood  one fraction on the embedded room with the HTTP registration source open while another
 *          process POSTs registrations at --rate per second for --flood-s seconds
 *
 * For each run: outcome, holds and their causes, whether every hold names a true cause (only stale
 * links, each with a `link-stale` device event in the journal: nothing else is disturbed in these
 * runs), link-stale events, and the worst event-loop delay the bridge journaled (`loop-lag`).
 * Prints a table and one `LOAD_CHECK_JSON` line. Exit 1 when a check fails.
 *
 *   npx tsx scripts/load-check.ts [--idle 20] [--busy 10] [--flood-s 10] [--rate 300] [--no-shed]
 * Run `npm run build` first: the runs use the compiled CLI, as `npx linac-bridge` does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { readJournal } from '../src/journal/journal.js';
import { PROJECT_ROOT } from '../src/core/project-root.js';
import { runFlood, type FloodResult } from './load-check-flood.js';

const PLAN = path.join(PROJECT_ROOT, 'examples', 'two-beam-step-and-shoot.json');
const BIN = path.join(PROJECT_ROOT, 'bin', 'linac-bridge.js');
const STALE_IDS = ['IL-MLC-STALE', 'IL-COUCH-STALE', 'IL-BEAM-STALE'];

export interface RunResult {
  readonly kind: string;
  readonly policy: string;
  readonly outcome: string;
  readonly holds: string[][];
  readonly trueCauses: boolean;
  readonly linkStale: number;
  readonly worstLoopLagMs: number;
  readonly lagWarnings: number;
  readonly seconds: number;
}

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

/**
 * Stale causes, each shown by a link-stale event of that device in the journal, or the linac's
 * own hold (IL-BEAM-NOT-READY alone: its watchdog holds when heartbeats come late); nothing else.
 */
export function holdsNameTrueCauses(holds: readonly (readonly string[])[], staleDevices: ReadonlySet<string>): boolean {
  const linacHeldItself = (causes: readonly string[]): boolean => causes.length === 1 && causes[0] === 'IL-BEAM-NOT-READY';
  return holds.every((causes) => linacHeldItself(causes) || (causes.length > 0 && causes.every((c) => STALE_IDS.includes(c) && staleDevices.has(c.split('-')[1].toLowerCase()))));
}

export function journalFigures(file: string): { policy: string; linkStale: number; staleDevices: Set<string>; worstLoopLagMs: number; lagWarnings: number } {
  const entries = readJournal(file).entries;
  const stale = entries.filter((e) => e.kind === 'device-event' && (e.data as { type: string }).type === 'link-stale');
  const lags = entries.filter((e) => e.kind === 'loop-lag' && (e.data as { event: string }).event !== 'scheduling').map((e) => e.data as { maxMs: number; warning: boolean });
  const scheduling = entries.find((e) => e.kind === 'loop-lag' && (e.data as { event: string }).event === 'scheduling')?.data as { policy?: string } | undefined;
  return {
    policy: scheduling?.policy ?? 'normal',
    linkStale: stale.length,
    staleDevices: new Set(stale.map((e) => (e.data as { device: string }).device)),
    worstLoopLagMs: Math.max(0, ...lags.map((l) => l.maxMs)),
    lagWarnings: lags.filter((l) => l.warning).length,
  };
}

function simulateOnce(kind: string): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'simulate', PLAN, '--json'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', () => {
      try {
        const rec = JSON.parse(out) as { outcome: string; holds: Array<{ causes: string[] }>; journal: string };
        const j = journalFigures(rec.journal);
        const holds = rec.holds.map((h) => h.causes);
        resolve({ kind, policy: j.policy, outcome: rec.outcome, holds, trueCauses: holdsNameTrueCauses(holds, j.staleDevices), linkStale: j.linkStale, worstLoopLagMs: j.worstLoopLagMs, lagWarnings: j.lagWarnings, seconds: Math.round((performance.now() - started) / 100) / 10 });
      } catch (e) {
        reject(new Error(`simulate gave no record: ${String(e)}; stderr: ${err.slice(0, 500)}`));
      }
    });
  });
}

function busyLoops(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}

async function main(): Promise<void> {
  const idle = arg('idle', 20);
  const busy = arg('busy', 10);
  const floodS = arg('flood-s', 10);
  const rate = arg('rate', 300);
  const runs: RunResult[] = [];
  for (let i = 0; i < idle; i++) runs.push(await simulateOnce('idle'));
  for (let i = 0; i < busy; i++) {
    const loops = busyLoops(2);
    try {
      runs.push(await simulateOnce('busy ×2'));
    } finally {
      for (const l of loops) l.kill('SIGKILL');
    }
  }
  console.table(runs.map((r) => ({ ...r, holds: r.holds.map((h) => h.join('+')).join(', ') || '-' })));
  const summary = (kind: string) => {
    const rs = runs.filter((r) => r.kind === kind);
    return { kind, runs: rs.length, complete: rs.filter((r) => r.outcome === 'complete').length, holds: rs.reduce((n, r) => n + r.holds.length, 0), allTrueCauses: rs.every((r) => r.trueCauses), linkStale: rs.reduce((n, r) => n + r.linkStale, 0), worstLoopLagMs: Math.max(0, ...rs.map((r) => r.worstLoopLagMs)) };
  };
  const table = [summary('idle'), summary('busy ×2')];
  let flood: FloodResult | undefined;
  if (floodS > 0) flood = await runFlood({ seconds: floodS, ratePerS: rate, noShedding: process.argv.includes('--no-shed') });
  console.table(table);
  if (flood) console.table([flood]);
  console.log(`LOAD_CHECK_JSON ${JSON.stringify({ node: process.version, summary: table, flood, runs })}`);
  const ok = table[0].holds === 0 && table[1].complete === table[1].runs && table[1].allTrueCauses && (!flood || flood.linkStale === 0);
  process.exitCode = ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
