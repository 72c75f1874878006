/**
 * The real CLI as a child process (node bin/linac-bridge.js), for tests that
 * signal or kill it mid-beam, and reading its journal folder while it runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readJournal, type JournalEntry } from '../../src/journal/journal.js';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export interface CliRun {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
}

export function startCli(args: string[]): CliRun {
  const child = spawn(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: CliRun = {
    child, stdout: '', stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1))),
  };
  child.stdout!.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (run.stderr += d.toString()));
  return run;
}

export const journalFiles = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => path.join(dir, f)) : []);

export const entriesOf = (file: string): JournalEntry[] => readJournal(file).entries;

/** Waits until a journal file not in `before` shows the linac reporting beam on with at least `minMu` on channel 1. */
export async function untilBeamOn(dir: string, before: readonly string[], run: CliRun, minMu = 0, timeoutMs = 60_000): Promise<string> {
  let file = '';
  let ended = false;
  void run.exited.then(() => (ended = true));
  const end = performance.now() + timeoutMs;
  for (;;) {
    if (ended) throw new Error('the CLI exited before the beam was on');
    if (performance.now() > end) throw new Error(`the linac did not report beam on within ${timeoutMs} ms`);
    file = journalFiles(dir).find((f) => !before.includes(f)) ?? '';
    if (file && entriesOf(file).some((e) => e.kind === 'mu-checkpoint' && (e.data as { state: string }).state === 'BeamOn' && (e.data as { mu1: number }).mu1 >= minMu)) return file;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A copy of a plan with every beam's dose rate changed (slower beams leave room to stop mid-beam). */
export function planWithDoseRate(dir: string, doseRateMuPerMin: number): string {
  const plan = JSON.parse(fs.readFileSync(path.join(root, 'examples/two-beam-step-and-shoot.json'), 'utf8'));
  for (const b of plan.beams) b.doseRateMuPerMin = doseRateMuPerMin;
  const file = path.join(dir, `plan-${doseRateMuPerMin}.json`);
  fs.writeFileSync(file, JSON.stringify(plan));
  return file;
}
