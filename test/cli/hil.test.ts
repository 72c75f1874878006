/**
 * Hardware-in-the-loop through the CLI: four simulators in their own
 * processes, then `linac-bridge start --config` on the links they print.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, type CliRun } from '../helpers/cli-process.js';
import path from 'node:path';
import { hilConfig, socatPty, startSim, tmpDir, type SimProcess } from '../helpers/hil-rig.js';
import { until } from '../helpers/wait.js';

let sims: SimProcess[] = [];
let bridge: CliRun | undefined;
let bridges: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  bridge?.child.kill('SIGTERM');
  if (bridge) await bridge.exited;
  await Promise.all(bridges.map((b) => b.stop()));
  bridges = [];
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
  bridge = undefined;
});

const startAll = async (): Promise<SimProcess[]> => (sims = await Promise.all((['mlc', 'beam', 'couch', 'imaging'] as const).map((d) => startSim(d))));

describe('linac-bridge start --config on simulators in their own processes', () => {
  it('connects to all four configured links, reports the three device links fresh and no stale link vetoing beam-on', async () => {
    const [mlc, beam, couch, imaging] = await startAll();
    const file = hilConfig(tmpDir('lb-hil-'), { mlc: mlc.spec, beam: beam.spec, couch: couch.spec, imaging: imaging.spec });
    const run = (bridge = startCli(['--config', file, 'start']));
    await until(() => /no stale link vetoes beam-on/.test(run.stdout) || run.child.exitCode !== null, 30_000, 'all links fresh');
    for (const s of [mlc, beam, couch, imaging]) {
      expect(run.stdout).toContain(`link ${s.device} connected to tcp://127.0.0.1:${(s.spec as { port: number }).port}`);
    }
    for (const d of ['mlc', 'beam', 'couch']) expect(run.stdout).toContain(`link ${d} fresh`);
    expect(run.stdout).toMatch(/bridge up; links: mlc tcp:\/\/127\.0\.0\.1:\d+, beam tcp:\/\/127\.0\.0\.1:\d+, couch tcp:\/\/127\.0\.0\.1:\d+ \(Modbus TCP\), imaging tcp/);
    expect(run.stdout).not.toMatch(/unreachable/);
    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr).toBe(0);
  }, 90_000);

  it('reports a simulator that is not running by link, address and error, keeps beam-on vetoed, and connects once it comes up', async () => {
    const [mlc, beam, couch, imaging] = await startAll();
    const mlcPort = (mlc.spec as { port: number }).port;
    await mlc.stop(); // nothing listens on its port now
    sims = [beam, couch, imaging];
    const file = hilConfig(tmpDir('lb-hil-missing-'), { mlc: mlc.spec, beam: beam.spec, couch: couch.spec, imaging: imaging.spec });
    const run = (bridge = startCli(['--config', file, 'start']));
    // each report is its own log line, written as it happens: wait for all of them, not just the first
    await until(() => /bridge up/.test(run.stdout) && /link couch fresh/.test(run.stdout) && /link beam fresh/.test(run.stdout) && /link mlc STALE/.test(run.stdout) && /beam-on vetoed: .*IL-MLC-STALE/.test(run.stdout), 30_000, 'the bridge up on three links, the MLC reported');
    expect(run.stdout).toMatch(new RegExp(`link mlc tcp://127\\.0\\.0\\.1:${mlcPort} unreachable: .*ECONNREFUSED`));
    expect(run.stdout).toContain('link mlc STALE');
    expect(run.stdout).toMatch(/beam-on vetoed: .*IL-MLC-STALE/);
    expect(run.stdout).not.toMatch(/no stale link vetoes beam-on/);
    expect(run.child.exitCode).toBeNull(); // it keeps running and retrying
    sims.push(await startSim('mlc', ['--port', String(mlcPort)]));
    await until(() => /no stale link vetoes beam-on/.test(run.stdout), 30_000, 'the MLC link fresh after the simulator came up');
    expect(run.stdout).toMatch(new RegExp(`link mlc connected to tcp://127\\.0\\.0\\.1:${mlcPort} \\(after \\d+ attempts\\)`));
    expect(run.stdout).toContain('link mlc fresh');
  }, 90_000);

  it('runs the recipe of docs/hil.md on pseudo-terminals bridged with socat: MLC and linac over serial, the couch on Modbus RTU, all fresh', async () => {
    const dir = tmpDir('lb-hil-pty-');
    const [mlc, beam, imaging] = (sims = await Promise.all([startSim('mlc'), startSim('beam'), startSim('imaging')]));
    const couch = await startSim('couch', ['--pty']);
    sims.push(couch);
    expect(couch.spec).toMatchObject({ kind: 'serial', path: expect.stringMatching(/^\/dev\/pts\/\d+$/) });
    const serial = (name: string) => ({ kind: 'serial' as const, path: path.join(dir, name), baudRate: 115200 });
    bridges = await Promise.all([socatPty(serial('mlc').path, mlc.spec), socatPty(serial('beam').path, beam.spec), socatPty(serial('couch').path, couch.spec)]);
    const file = hilConfig(dir, { mlc: serial('mlc'), beam: serial('beam'), couch: serial('couch'), imaging: imaging.spec }, 'room-pty.json');
    const run = (bridge = startCli(['--config', file, 'start']));
    await until(() => /no stale link vetoes beam-on/.test(run.stdout) || run.child.exitCode !== null, 30_000, 'all links fresh over socat');
    expect(run.child.exitCode, run.stderr).toBeNull();
    expect(run.stdout).toContain(`couch serial:${path.join(dir, 'couch')}@115200 (Modbus RTU)`);
    for (const d of ['mlc', 'beam', 'couch']) expect(run.stdout).toContain(`link ${d} fresh`);
  }, 90_000);

  it('refuses a config that names no device for a link (port 0, or no imaging transport), naming the field, exit 2', async () => {
    const dir = tmpDir('lb-hil-refuse-');
    const noPort = startCli(['--config', hilConfig(dir, { couch: { kind: 'tcp', host: '127.0.0.1', port: 0 } }), 'start']);
    expect(await noPort.exited).toBe(2);
    expect(noPort.stderr).toMatch(/links\.couch\.transport\.port/);
    const cfg = hilConfig(tmpDir('lb-hil-refuse-'), {});
    const c = JSON.parse(fs.readFileSync(cfg, 'utf8'));
    delete c.links.imaging;
    fs.writeFileSync(cfg, JSON.stringify(c));
    const noImaging = startCli(['--config', cfg, 'start']);
    expect(await noImaging.exited).toBe(2);
    expect(noImaging.stderr).toMatch(/links\.imaging\.transport/);
  }, 60_000);
});
