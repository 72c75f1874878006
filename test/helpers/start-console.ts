/**
 * `start --simulate` as a child process driven through the console API only, as
 * test/api/console-start-e2e.test.ts does: a config in a temp folder (links relaxed for a loaded
 * machine), one therapist, login, the live socket, commands based on the newest state version,
 * a registration posted to the HTTP source. For tests of what `start` leaves behind (records, journal).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { root, startCli, type CliRun } from './cli-process.js';
import { configInTmp } from './config-in-tmp.js';
import { call, LiveClient, PASSWORD, relaxedLinks, writeUsers, type Reply } from './console-rig.js';
import { until } from './wait.js';

export interface StartedConsole {
  readonly run: CliRun;
  readonly dir: string;
  readonly journalDir: string;
  readonly base: string;
  readonly live: LiveClient;
  /** The journal file `start` logged. */
  readonly journal: string;
  /** Writes a line to start's stdin (`diagnostics: true`: door open|closed, estop pressed|released). */
  diagnose(line: string): void;
  send(cmd: Record<string, unknown>): Promise<Reply>;
  state(): string | undefined;
  stop(): Promise<number | string>;
}

/** The example two-beam plan with every beam at `doseRateMuPerMin` (slow beams leave room to act mid-beam). */
export function examplePlan(doseRateMuPerMin?: number): any {
  const plan = JSON.parse(fs.readFileSync(path.join(root, 'examples/two-beam-step-and-shoot.json'), 'utf8'));
  if (doseRateMuPerMin !== undefined) for (const b of plan.beams) b.doseRateMuPerMin = doseRateMuPerMin;
  return plan;
}

/** startCli with stdin piped (the simulator diagnostics of `--diagnostics-stdin`). */
function startCliWithStdin(args: string[]): CliRun {
  const child = spawn(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const run: CliRun = { child, stdout: '', stderr: '', exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1))) };
  child.stdout!.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (run.stderr += d.toString()));
  return run;
}

export async function startConsole(o: { patch?: (cfg: any) => void; prepare?: (dir: string) => void; args?: string[]; diagnostics?: boolean } = {}): Promise<StartedConsole> {
  const { file, dir } = configInTmp('lb-start-record-');
  const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
  cfg.simulation.timeScale = 5;
  relaxedLinks(cfg); // the records are under test here, not link timing on a loaded machine
  o.patch?.(cfg);
  fs.writeFileSync(file, JSON.stringify(cfg));
  await writeUsers(path.join(dir, 'config', 'users.json'), ['therapist']);
  o.prepare?.(dir);
  const args = ['-c', file, 'start', '--simulate', ...(o.args ?? [])];
  const run = o.diagnostics ? startCliWithStdin([...args, '--diagnostics-stdin']) : startCli(args);
  const consoleLine = /console: http:\/\/127\.0\.0\.1:(\d+)\//;
  await until(() => consoleLine.test(run.stdout) || run.child.exitCode !== null, 60_000, 'the console of start --simulate');
  if (run.child.exitCode !== null) throw new Error(`start exited ${run.child.exitCode}: ${run.stderr}`);
  const base = `http://127.0.0.1:${consoleLine.exec(run.stdout)![1]}`;
  const login = await call(base, 'POST', '/api/v1/login', { body: { username: 'therapist-1', password: PASSWORD } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  const token = login.body.token as string;
  const live = await LiveClient.authed(base, token);
  let known = 0;
  const send = async (cmd: Record<string, unknown>): Promise<Reply> => {
    for (let attempt = 0; ; attempt++) {
      known = Math.max(known, live.latest('session')?.stateVersion ?? live.messages.find((m) => m.type === 'snapshot')?.stateVersion ?? 0);
      const r = await call(base, 'POST', '/api/v1/commands', { token, body: { basedOnStateVersion: known, ...cmd } });
      if (typeof r.body?.stateVersion === 'number') known = Math.max(known, r.body.stateVersion);
      if (r.status !== 409 || r.body.error?.code !== 'STALE_STATE' || attempt >= 3) return r;
    }
  };
  return {
    run, dir, base, live, send,
    journalDir: path.join(dir, 'journal'),
    journal: /journal (\S+\.jsonl)/.exec(run.stdout)![1],
    state: () => live.session()?.state,
    diagnose: (line) => void run.child.stdin?.write(`${line}\n`),
    async stop() {
      live.close();
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
      return run.exited;
    },
  };
}

function expectOk(r: Reply, what: string): void {
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Loads the plan, posts a registration (an apply-level correction), approves it, moves the couch: ready. */
export async function setUpFraction(c: StartedConsole, plan: any): Promise<void> {
  expectOk(await c.send({ type: 'loadPlan', plan }), 'loadPlan');
  await until(() => c.state() === 'setup.awaitingRegistration', 20_000, 'setup');
  const regUrl = `http://127.0.0.1:${/POST http:\/\/127\.0\.0\.1:(\d+)\/registrations/.exec(c.run.stdout)![1]}/registrations`;
  const now = new Date().toISOString();
  const reg = {
    id: randomUUID(), patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction, imageSeries: 'CBCT-1', acquiredAt: now, registeredAt: now, method: 'bony', roiName: 'PTV',
    frame: 'tableTop', correction: { lateral: 1.2, longitudinal: -0.8, vertical: 0.5, pitch: 0.3, roll: -0.2, yaw: 0.4 }, units: { translation: 'mm', rotation: 'deg' }, quality: 0.93, source: 'test-cbct',
  };
  const posted = await fetch(regUrl, { method: 'POST', body: JSON.stringify(reg) });
  if (posted.status !== 202) throw new Error(`registration: ${posted.status}`);
  await until(() => c.state() === 'setup.awaitingApproval', 20_000, 'awaiting approval');
  expectOk(await c.send({ type: 'approveRegistration', registrationId: reg.id }), 'approveRegistration');
  expectOk(await c.send({ type: 'moveCouch', registrationId: reg.id }), 'moveCouch');
  await until(() => c.state() === 'ready', 60_000, 'ready (couch in position, MLC at the first segment)');
}

/** Beam-on once every interlock shows clear. */
export async function beamOn(c: StartedConsole): Promise<void> {
  await until(() => c.live.latest('interlocks')?.data.every((i: any) => i.status === 'clear'), 30_000, 'every interlock clear');
  expectOk(await c.send({ type: 'beamOn' }), 'beamOn');
}

/** A journal's records read as plain JSON lines (`<json>\t<crc>`), without the bridge's reader. */
export function journalLines(file: string): Array<{ seq: number; atIso: string; kind: string; data: any }> {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).flatMap((l) => {
    try {
      return [JSON.parse(l.slice(0, l.lastIndexOf('\t')))];
    } catch {
      return []; // a torn last line
    }
  });
}
