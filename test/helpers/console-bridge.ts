/**
 * A real `linac-bridge start --simulate` child with the console API on a loopback port, for the
 * browser tests: a temp config (journal and users file there too), users created by the CLI's own
 * `user add` command (password on stdin), and the console URL parsed from the start-up log line
 * `console: http://127.0.0.1:<port>/` (CONSOLE-CONTRACT.md). Its stdin takes simulator diagnostics
 * (`--diagnostics-stdin`), so a test can open the simulated treatment-room door mid-beam.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root, type CliRun } from './cli-process.js';
import { configInTmp } from './config-in-tmp.js';
import { relaxedLinks } from './console-rig.js';
import { until } from './wait.js';

export interface ConsoleUser {
  readonly name: string;
  readonly role: 'therapist' | 'physician' | 'physicist' | 'service' | 'viewer';
  readonly password: string;
}

export interface ConsoleBridge {
  readonly url: string;
  /** The registration endpoint the bridge logs (`POST .../registrations`). */
  readonly registrationsUrl: string;
  readonly dir: string;
  readonly run: CliRun;
  /** Sends one simulator diagnostic line (`door open`, …; src/cli/simulator-diagnostics.ts). */
  diagnose(line: string): void;
  /** SIGSTOP / SIGCONT: a bridge that hangs with its sockets open, then goes on. */
  pause(): void;
  resume(): void;
  /** SIGKILL, as a crash would: the socket drops without a goodbye. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | string>;
}

/** Adds a user with the CLI (`linac-bridge user add`), the password on stdin. */
export function addUser(usersFile: string, u: ConsoleUser): void {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'user', 'add', u.name, '--role', u.role, '--users', usersFile, '--password-stdin'], { cwd: root, input: `${u.password}\n`, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`user add ${u.name} failed (${r.status}): ${r.stderr}`);
}

export async function startConsoleBridge(users: readonly ConsoleUser[], timeoutMs = 60_000): Promise<ConsoleBridge> {
  const { file, dir } = configInTmp('lb-console-');
  const usersFile = path.join(dir, 'users.json');
  for (const u of users) addUser(usersFile, u);
  const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
  cfg.console = { ...(cfg.console ?? {}), host: '127.0.0.1', port: 0, usersFile };
  relaxedLinks(cfg); // the page is under test, not link timing on a loaded 2-core machine
  fs.writeFileSync(file, JSON.stringify(cfg));
  const child = spawn(process.execPath, [path.join(root, 'bin/linac-bridge.js'), '--config', file, 'start', '--simulate', '--diagnostics-stdin'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const run: CliRun = { child, stdout: '', stderr: '', exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1))) };
  child.stdout.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString()));
  child.stdin.on('error', () => undefined); // a write after the child died: the test sees the exit instead
  let exited = false;
  void run.exited.then(() => (exited = true));
  await until(() => exited || (/console: http:\/\/127\.0\.0\.1:\d+\//.test(run.stdout) && /registrations: POST (\S+)/.test(run.stdout)), timeoutMs, 'the bridge to log its console URL');
  if (exited) throw new Error(`linac-bridge start exited early:\n${run.stdout}\n${run.stderr}`);
  const url = /console: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.stdout)![1];
  const registrationsUrl = /registrations: POST (\S+)/.exec(run.stdout)![1];
  return {
    url,
    registrationsUrl,
    dir,
    run,
    diagnose: (line) => void child.stdin.write(`${line}\n`),
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    kill: async () => {
      run.child.kill('SIGKILL');
      await run.exited;
    },
    stop: async () => {
      run.child.kill('SIGTERM');
      return run.exited;
    },
  };
}
