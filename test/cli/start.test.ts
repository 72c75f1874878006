import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Journal, readJournal } from '../../src/journal/journal.js';
import { entriesOf, journalFiles, startCli } from '../helpers/cli-process.js';
import { configInTmp } from '../helpers/config-in-tmp.js';
import { buildRegFixtures } from '../helpers/dicom-reg-fixtures.js';
import { until } from '../helpers/wait.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

describe('linac-bridge start', () => {
  it('brings the bridge up on the embedded simulators, reports fresh links and the registration endpoint, and stops cleanly', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'start', '--simulate', '--exit-after', '1000'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/bridge up/);
    expect(r.stdout).toMatch(/link mlc fresh/);
    expect(r.stdout).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/registrations/);
    expect(r.stdout).toMatch(/state \(start\) -> idle/);
  });

  it('refuses to start without --simulate on the default config, whose links name no device (port 0), naming the field, exit 2', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'start'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/links\.mlc\.transport\.port/);
    expect(r.stderr).toMatch(/--simulate/);
  });
});

describe('linac-bridge start with a configured drop folder', () => {
  it('watches the folder: a DICOM registration dropped there is read, judged (no plan is loaded yet), logged and moved to processed/', () => {
    const { file, dir } = configInTmp('lb-start-drop-');
    const drop = path.join(dir, 'drop');
    const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
    cfg.registration.dropFolder = { dir: drop, pollMs: 50 };
    cfg.registration.localTimeZone = 'Europe/Berlin';
    fs.writeFileSync(file, JSON.stringify(cfg));
    fs.mkdirSync(drop);
    fs.copyFileSync(path.join(buildRegFixtures().dir, 'translation-explicit.dcm'), path.join(drop, 'reg.dcm'));
    const r = spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), '--config', file, 'start', '--simulate', '--exit-after', '1000'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`drop folder ${drop} (DICOM times without an offset read in Europe/Berlin)`);
    expect(r.stdout).toMatch(/registration rejected from folder:reg\.dcm: .*no plan is loaded/);
    expect(fs.readdirSync(path.join(drop, 'processed'))).toHaveLength(1);
  });
});

describe('linac-bridge start under hostile registration bodies', () => {
  it('stays up after 24 KB of nested brackets and a 1 MiB body over HTTP and WebSocket, journals the four refusals, and stops cleanly on SIGTERM', async () => {
    const { file } = configInTmp('lb-start-hostile-');
    const child = spawn(process.execPath, [path.join(root, 'bin/linac-bridge.js'), '--config', file, 'start', '--simulate'], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await until(() => /registrations: POST http:\/\/127\.0\.0\.1:\d+/.test(stdout) || child.exitCode !== null, 30_000, 'the bridge to come up');
      const port = Number(/POST http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
      const journal = /journal (\S+)/.exec(stdout)![1];
      const nested = '['.repeat(12_000) + ']'.repeat(12_000);
      const big = `{"pad":"${'x'.repeat(1024 * 1024)}"}`;
      const url = `http://127.0.0.1:${port}/registrations`;
      expect((await fetch(url, { method: 'POST', body: nested })).status).toBe(400);
      expect((await fetch(url, { method: 'POST', body: big })).status).toBe(413);
      for (const body of [nested, big]) {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/registrations`);
        await new Promise((r) => ws.once('open', r));
        ws.send(body);
        if (body === big) await new Promise((r) => ws.once('close', r));
        else ws.close();
      }
      const refusals = () => (fs.existsSync(journal) ? readJournal(journal).entries.filter((e) => e.kind === 'rejection').map((e) => e.data as { source: string; error: { field: string } }) : []);
      await until(() => refusals().length >= 4, 10_000, 'four refusals in the journal');
      expect(refusals().map((r) => [r.source, r.error.field])).toEqual([
        ['http', 'registration.body.depth'],
        ['http', 'registration.body.bytes'],
        ['ws', 'registration.body.depth'],
        ['ws', 'registration.body.bytes'],
      ]);
      expect(child.exitCode).toBeNull(); // still up
      expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(202); // and still serving
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
    expect(stderr).not.toMatch(/RangeError|Maximum call stack/);
  });
});

describe('linac-bridge start: recovery report and stop', () => {
  it('reports an unfinished fraction found in the journal folder, and on SIGTERM stops the devices, journals session stop and exits 0', async () => {
    const { file, dir } = configInTmp();
    const journalDir = path.join(dir, 'journal');
    const j = Journal.open(path.join(journalDir, 'PL-fx2-earlier.jsonl'), false);
    j.append('session', { event: 'fraction', patientId: 'PHANTOM-001', planId: 'PL', fraction: 2, run: [{ beamId: 1, segments: [{ index: 0, mu: 10 }] }], baseline: [] });
    j.append('mu-checkpoint', { beamId: 1, state: 'BeamOn', mu1: 4.5, mu2: 4.501, presetMu: 10, segmentEndMu: 10 });
    j.close();
    const run = startCli(['--config', file, 'start', '--simulate']);
    for (let i = 0; i < 600 && !run.stdout.includes('bridge up'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(run.stdout).toMatch(/unfinished fraction: interrupted run .*PL-fx2-earlier\.jsonl.*beam 1 4\.500 \/ 4\.501 MU/);
    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr).toBe(0);
    const own = journalFiles(journalDir).find((f) => !f.endsWith('PL-fx2-earlier.jsonl'))!;
    const entries = entriesOf(own);
    expect(entries.some((e) => e.kind === 'command' && (e.data as { command: string; by?: string }).by === 'safe-stop')).toBe(true);
    const last = entries[entries.length - 1];
    expect(last.kind).toBe('session');
    expect(last.data).toMatchObject({ event: 'stop', reason: 'SIGTERM', beamOff: true, couchStill: true });
  }, 60_000);
});
