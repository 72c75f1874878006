import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const run = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'couch', 'correction', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });

describe('linac-bridge couch correction (CLI contract)', () => {
  it('prints target, translation, classification and reasons as JSON; 3° about a pivot 500 mm away is ≈ 26 mm of table travel', () => {
    const r = run(['--pose', '0,0,0,0,0,0', '--shift', '0,0,0,3,0,0', '--isocenter', '0,0,0', '--pivot', '0,-500,0', '--couch', 'couch-6dof-pitch-roll', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.target)).toEqual(['lateralMm', 'longitudinalMm', 'verticalMm', 'pitchDeg', 'rollDeg', 'yawDeg']);
    expect(out.translationMm[2]).toBeCloseTo(-26.168, 3);
    expect(out.target.pitchDeg).toBeCloseTo(3, 9);
    expect(out.classification).toBe('review');
    expect(out.reasons.length).toBeGreaterThan(0);
  });

  it('adds leg lengths for a hexapod and exits 1 when the legs cannot reach', () => {
    const ok = run(['--pose', '0,0,0,0,0,0', '--shift', '1,0,0,0.5,0,0', '--isocenter', '0,0,0', '--couch', 'hexapod-6dof', '--json']);
    expect(JSON.parse(ok.stdout).legLengthsMm).toHaveLength(6);
    const bad = run(['--pose', '0,0,0,0,0,0', '--shift', '0,0,40,0,0,0', '--isocenter', '0,0,0', '--pivot', '0,0,0', '--couch', 'hexapod-6dof', '--json']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ classification: 'reject' });
  });

  it('exits 2 naming the option for a malformed pose', () => {
    const r = run(['--pose', '0,0,0', '--shift', '0,0,0,0,0,0', '--isocenter', '0,0,0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--pose/);
  });
});
