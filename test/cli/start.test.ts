import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configInTmp } from '../helpers/config-in-tmp.js';
import { buildRegFixtures } from '../helpers/dicom-reg-fixtures.js';

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
