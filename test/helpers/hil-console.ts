/**
 * The hardware-in-the-loop rig driven through the console API: four `linac-bridge sim`
 * processes on OS-chosen ports, a config naming them, console users made with
 * `linac-bridge user add` (password on stdin), `start --config` as a child process, and a
 * client that logs in over HTTP, follows the live WebSocket and sends commands as a
 * console does (based on the newest state version it knows).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root, startCli, type CliRun } from './cli-process.js';
import { call, LiveClient, type Reply } from './console-rig.js';
import { hilConfig, startSim, tmpDir, type SimDevice, type SimProcess } from './hil-rig.js';
import { relaxedLinks } from './relaxed-links.js';
import { until } from './wait.js';

export const HIL_PLAN = 'examples/two-beam-step-and-shoot.json';
export const HIL_PASSWORD = 'a long enough rig password';
const SETUP_ERROR = '1.5,-1,0.8,0.4,-0.3,0.5'; // an 'apply' correction: a therapist approves it

/**
 * Link timing with room for a loaded 2-core machine (heartbeat 250 ms, stale after 400 ms,
 * evidence 800 ms, all within the config's rules): this rig is about the API on real
 * processes; the default 100/150 ms figures are `npm run bench -- hil`. The simulators read
 * the same file, so their watchdogs (beam 3 ×, couch 5 × the heartbeat) fit the bridge's.
 */
function relaxTiming(file: string): void {
  const c = JSON.parse(fs.readFileSync(file, 'utf8'));
  relaxedLinks(c);
  fs.writeFileSync(file, JSON.stringify(c, null, 2));
}

export interface HilConsole {
  readonly dir: string;
  readonly config: string;
  readonly sims: Record<SimDevice, SimProcess>;
  readonly run: CliRun;
  readonly base: string;
  /** Restarts a simulator (stopped or killed) on the port it had: the config still names it. */
  restartSim(device: SimDevice): Promise<SimProcess>;
  stop(): Promise<void>;
}

/** `linac-bridge -c <config> user add <name> --role <role>`, the password on stdin. */
export function addUserCli(config: string, name: string, role: string): void {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), '-c', config, 'user', 'add', name, '--role', role], { cwd: root, input: `${HIL_PASSWORD}\n`, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`user add ${name}: exit ${r.status}: ${r.stderr}`);
}

export async function startHilConsole(timeScale: number): Promise<HilConsole> {
  const dir = tmpDir('lb-hil-api-');
  const timing = hilConfig(fs.mkdtempSync(path.join(dir, 'sim-')), {});
  relaxTiming(timing);
  const simArgs = ['-c', timing, '--time-scale', String(timeScale)];
  const list = await Promise.all([
    startSim('mlc', simArgs), startSim('beam', simArgs), startSim('couch', simArgs),
    startSim('imaging', ['-c', timing, '--plan', HIL_PLAN, '--setup-error', SETUP_ERROR]),
  ]);
  const sims = Object.fromEntries(list.map((s) => [s.device, s])) as Record<SimDevice, SimProcess>;
  const config = hilConfig(dir, Object.fromEntries(list.map((s) => [s.device, s.spec])));
  relaxTiming(config);
  addUserCli(config, 'rtt', 'therapist');
  addUserCli(config, 'phys', 'physicist');
  const run = startCli(['--config', config, 'start']);
  const consoleLine = /console: http:\/\/127\.0\.0\.1:(\d+)\//;
  await until(() => consoleLine.test(run.stdout) || run.child.exitCode !== null, 60_000, 'the console API of start --config');
  if (run.child.exitCode !== null) throw new Error(`start --config exited ${run.child.exitCode}: ${run.stderr}`);
  return {
    dir, config, sims, run, base: `http://127.0.0.1:${consoleLine.exec(run.stdout)![1]}`,
    async restartSim(device) {
      const port = (sims[device].spec as { port: number }).port;
      sims[device] = await startSim(device, [...simArgs, '--port', String(port)]);
      return sims[device];
    },
    async stop() {
      if (run.child.exitCode === null) {
        run.child.kill('SIGTERM');
        await run.exited;
      }
      await Promise.all(Object.values(sims).map((s) => {
        if (s.child.signalCode === 'SIGSTOP' || s.child.exitCode === null) s.child.kill('SIGCONT');
        return s.stop();
      }));
    },
  };
}

/** A console user over HTTP and the live socket. */
export class ApiUser {
  private known = 0;
  /** The state version an accepted command left (its reply's). */
  lastAccepted = 0;
  private constructor(readonly base: string, readonly token: string, readonly live: LiveClient) {}

  static async login(base: string, username: string): Promise<ApiUser> {
    const r = await call(base, 'POST', '/api/v1/login', { body: { username, password: HIL_PASSWORD } });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    return new ApiUser(base, r.body.token, await LiveClient.authed(base, r.body.token));
  }

  /** The newest state version this client has seen (live messages, replies, GET /state). */
  private newest(): number {
    for (const m of this.live.messages) if (typeof m.stateVersion === 'number') this.known = Math.max(this.known, m.stateVersion);
    return this.known;
  }

  /** Sends a command; a STALE_STATE reply (the state moved on meanwhile) is retried on a fresh GET /state. */
  async send(cmd: Record<string, unknown>): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      const r = await call(this.base, 'POST', '/api/v1/commands', { token: this.token, body: { basedOnStateVersion: this.newest(), ...cmd } });
      if (typeof r.body?.stateVersion === 'number') this.known = Math.max(this.known, r.body.stateVersion);
      if (r.status === 200) this.lastAccepted = r.body.stateVersion;
      if (r.status !== 409 || r.body.error?.code !== 'STALE_STATE' || attempt >= 3) return r;
      this.known = Math.max(this.known, (await call(this.base, 'GET', '/api/v1/state', { token: this.token })).body.stateVersion);
    }
  }

  session(): any {
    return this.live.session();
  }

  /** True once the live session shows the state after this client's last accepted command (or later). */
  caughtUp(): boolean {
    const v = this.live.latest('session')?.stateVersion ?? this.live.messages.find((m) => m.type === 'snapshot')?.stateVersion ?? 0;
    return v >= this.lastAccepted;
  }

  /** The latest data of a live topic (update, else the snapshot's). */
  topic(name: string): any {
    return this.live.latest(name)?.data ?? this.live.messages.find((m) => m.type === 'snapshot')?.data[name];
  }

  hasTag(tag: string): boolean {
    return (this.session()?.tags ?? []).includes(tag);
  }

  interlock(id: string): any {
    return (this.topic('interlocks') ?? []).find((i: any) => i.id === id);
  }
}
