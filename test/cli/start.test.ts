import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { entriesOf, journalFiles, startCli } from '../helpers/cli-process.js';
import { configInTmp } from '../helpers/config-in-tmp.js';

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

  it('refuses to start without --simulate (real hardware links come with the console API), exit 2', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'start'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--simulate/);
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
