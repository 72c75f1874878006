import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { couchCorrectionCommand } from '../../src/cli/couch-command.js';
import { couchCases, expectMatchesCase, type CouchCase } from '../helpers/couch-cases.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const runAsync = (args: string[]) => promisify(execFile)(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'couch', 'correction', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
const caseArgs = (c: CouchCase, iso: [number, number, number] = [0, 0, 0]): string[] => [
  '--pose', c.pose.join(','), '--shift', c.correction.join(','), '--frame', c.frame, '--couch', c.couch, '--isocenter', iso.join(','), '--json',
  ...(c.pivotAtPoseMm ? ['--pivot', c.pivotAtPoseMm.map((v, i) => v + iso[i]).join(',')] : []),
];
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

/** The command behind `couch correction --json`, in-process (a process per case costs seconds on a busy machine). */
function command(args: string[]): { code: number; out: Record<string, unknown> & { target: Record<string, number>; translationMm: number[]; residualDeg: { pitch: number; roll: number; yaw: number }; legLengthsMm?: number[]; classification: string } } {
  const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (chunks.push(String(s)), true));
  try {
    const code = couchCorrectionCommand({ pose: opt('--pose')!, shift: opt('--shift')!, isocenter: opt('--isocenter')!, pivot: opt('--pivot'), frame: opt('--frame'), couch: opt('--couch'), protocol: 'conventional', json: true });
    return { code, out: JSON.parse(chunks.join('')) };
  } finally {
    spy.mockRestore();
  }
}
const targetList = (t: Record<string, number>): number[] => [t.lateralMm, t.longitudinalMm, t.verticalMm, t.pitchDeg, t.rollDeg, t.yawDeg];

describe('worked couch cases (make_cases.py) through the `couch correction --json` command', () => {
  it.each(couchCases.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const { code, out } = command(caseArgs(c));
    expectMatchesCase({ ...out, target: targetList(out.target) }, { ...c, expected: { ...c.expected, legLengthsMm: out.legLengthsMm ? c.expected.legLengthsMm : undefined } });
    expect(out.classification === 'reject').toBe(!c.expected.reachable);
    expect(code).toBe(c.expected.reachable ? 0 : 1);
  });

  it('gives the same answer with the isocentre and the pivot moved together (--isocenter is the origin of --pivot)', () => {
    const c = couchCases.cases.find((x) => x.pivotAtPoseMm && x.couch === 'couch-6dof-pitch-roll')!;
    const { out } = command(caseArgs(c, [12, -30, 7]));
    expectMatchesCase({ ...out, target: targetList(out.target) }, c);
  });

  it.each(['6dof: pure yaw 1 deg turns about the isocentre, no table travel', '4dof: couch at yaw 90, 5 mm lateral in room axes moves the table along its longitudinal axis'])('the installed binary agrees: %s', async (name) => {
    const c = couchCases.cases.find((x) => x.name === name)!;
    const out = JSON.parse((await runAsync(caseArgs(c))).stdout);
    expectMatchesCase({ ...out, target: targetList(out.target) }, c);
  });
});

describe('linac-bridge couch correction: the correction\'s frame', () => {
  it('refuses an undeclared frame with the couch turned, naming correction.frame (exit 1)', () => {
    const r = run(['--pose', '0,0,0,0,0,90', '--shift', '5,0,0,0,0,0', '--isocenter', '0,0,0', '--couch', 'couch-4dof', '--json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.classification).toBe('reject');
    expect(out.reasons.join(' ')).toMatch(/correction\.frame/);
  });

  it('exits 2 naming --frame for an unknown frame', () => {
    const r = run(['--pose', '0,0,0,0,0,0', '--shift', '0,0,0,0,0,0', '--isocenter', '0,0,0', '--frame', 'gantry']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--frame/);
  });
});
