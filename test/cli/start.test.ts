import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

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
