/**
 * The console API end to end on the real CLI: `user add` (password on stdin), then
 * `start --simulate` as a child process driven only through the API: log in, load a plan,
 * approve the registration, move the couch, beam on, see the beam delivered.
 */
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { root, startCli, type CliRun } from '../helpers/cli-process.js';
import { configInTmp } from '../helpers/config-in-tmp.js';
import { call, LiveClient, relaxedLinks } from '../helpers/console-rig.js';
import { until } from '../helpers/wait.js';

let run: CliRun | undefined;
afterEach(async () => {
  if (run && run.child.exitCode === null) {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  run = undefined;
});

const PASSWORD = 'a long enough password';

describe('start --simulate serves the console API', () => {
  it('runs a beam from login to delivery through the API alone, and logs how to add a user when there is none', async () => {
    const { file, dir } = configInTmp('lb-console-e2e-');
    const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
    cfg.simulation.timeScale = 5;
    relaxedLinks(cfg); // the API is under test here, not link timing on a loaded machine
    fs.writeFileSync(file, JSON.stringify(cfg));

    run = startCli(['-c', file, 'start', '--simulate']);
    await until(() => /console: http:\/\/127\.0\.0\.1:\d+\//.test(run!.stdout) || run!.child.exitCode !== null, 60_000, 'the console to come up');
    // the next log line may reach the pipe in a later chunk than the console line
    await until(() => /no users in/.test(run!.stdout) || run!.child.exitCode !== null, 10_000, 'the no-users line');
    expect(run.stdout).toMatch(/no users in .*users\.json: nobody can log in; create the first with `npx linac-bridge user add/);
    const base = `http://127.0.0.1:${/console: http:\/\/127\.0\.0\.1:(\d+)\//.exec(run.stdout)![1]}`;
    const regUrl = `http://127.0.0.1:${/POST http:\/\/127\.0\.0\.1:(\d+)\/registrations/.exec(run.stdout)![1]}/registrations`;
    expect((await call(base, 'POST', '/api/v1/login', { body: { username: 'rtt', password: PASSWORD } })).status).toBe(401);

    // the first user, while the bridge runs: the users file is read at each login
    const add = spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), '-c', file, 'user', 'add', 'rtt', '--role', 'therapist'], { cwd: root, input: `${PASSWORD}\n`, encoding: 'utf8' });
    expect(add.status, add.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'config', 'users.json'), 'utf8')).not.toContain(PASSWORD);
    const login = await call(base, 'POST', '/api/v1/login', { body: { username: 'rtt', password: PASSWORD } });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    const live = await LiveClient.authed(base, token);
    // a client bases a command on the newest version it knows: its last accepted command's, or the live socket's
    let known = 0;
    const cmd = async (body: Record<string, unknown>) => {
      known = Math.max(known, live.latest('session')?.stateVersion ?? live.messages[1].stateVersion);
      const r = await call(base, 'POST', '/api/v1/commands', { token, body: { basedOnStateVersion: known, ...body } });
      expect(r.status, `${String(body.type)}: ${JSON.stringify(r.body)}`).toBe(200);
      known = r.body.stateVersion;
      return r;
    };
    const stateIs = (s: string) => () => live.session()?.state === s;

    const plan = JSON.parse(fs.readFileSync(path.join(root, 'examples/two-beam-step-and-shoot.json'), 'utf8'));
    await cmd({ type: 'loadPlan', plan });
    await until(stateIs('setup.awaitingRegistration'), 10_000, 'setup');
    const now = new Date().toISOString();
    const reg = {
      id: randomUUID(), patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction, imageSeries: 'CBCT-1', acquiredAt: now, registeredAt: now, method: 'bony', roiName: 'PTV',
      frame: 'tableTop', correction: { lateral: 1.2, longitudinal: -0.8, vertical: 0.5, pitch: 0.3, roll: -0.2, yaw: 0.4 }, units: { translation: 'mm', rotation: 'deg' }, quality: 0.93, source: 'test-cbct',
    };
    expect((await fetch(regUrl, { method: 'POST', body: JSON.stringify(reg) })).status).toBe(202);
    await until(() => live.latest('registrations')?.data.some((r: any) => r.id === reg.id && r.status === 'pending'), 10_000, 'the registration on the live socket');
    await until(stateIs('setup.awaitingApproval'), 10_000, 'awaiting approval');
    await cmd({ type: 'approveRegistration', registrationId: reg.id });
    await cmd({ type: 'moveCouch', registrationId: reg.id });
    await until(stateIs('ready'), 30_000, 'ready (couch in position, MLC at the first segment)');
    expect(live.latest('couch').data.target).not.toBeNull();
    // as a console does: beam-on once every interlock shows clear
    const allClear = () => live.latest('interlocks')?.data.every((i: any) => i.status === 'clear');
    await until(allClear, 10_000, 'every interlock clear');
    await cmd({ type: 'beamOn' });
    await until(() => live.session()?.beamIndex === 1 && live.session()?.state === 'ready', 60_000, 'the first beam delivered');
    expect(live.latest('journal').data.some((e: any) => e.kind === 'notice' && e.summary.includes('beam-delivered'))).toBe(true);
    await until(allClear, 10_000, 'every interlock clear for the second beam');
    await cmd({ type: 'beamOn' });
    await until(stateIs('fractionComplete'), 60_000, 'the fraction complete');
    const beam = live.latest('beam').data;
    expect(beam.mu1).toBeCloseTo(beam.plannedMu, 1);
    live.close();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 180_000);
});
