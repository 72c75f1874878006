import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FractionRecord } from '../../src/bridge/fraction-record.js';
import { configInTmp } from '../helpers/config-in-tmp.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const fixture = (f: string) => path.join(root, 'test/fixtures/leaf-sequencing', f);
const run = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
const tmpFile = (text: string) => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-seq-')), 'm.csv');
  fs.writeFileSync(f, text);
  return f;
};

describe('linac-bridge sequence (CLI contract)', () => {
  it('prints one JSON object with the contract fields', () => {
    const r = run(['sequence', fixture('case1-beam1.csv'), '--mlc', 'millennium-120', '--method', 'improved', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    for (const k of ['method', 'rows', 'cols', 'levels', 'tnmu', 'tnmuLowerBound', 'segmentCount', 'segmentLowerBound', 'segments', 'exact', 'constraints', 'ms']) expect(o).toHaveProperty(k);
    expect(o).toMatchObject({ method: 'improved', rows: 15, cols: 14, levels: 20, tnmu: 40, tnmuLowerBound: 40, exact: true });
    expect(o.segments).toHaveLength(o.segmentCount);
    expect(o.segments[0].rows).toHaveLength(15);
    for (const c of Object.values(o.constraints) as Array<{ violations: number }>) expect(c.violations).toBe(0);
  });

  it('--method exact --budget-ms reports exact, segmentCount and segmentLowerBound: the proven optimum of gecode-5x5', () => {
    const r = run(['sequence', fixture('gecode-5x5.csv'), '--mlc', 'millennium-120', '--method', 'exact', '--budget-ms', '10000', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ method: 'exact', exact: true, segmentCount: 7, segmentLowerBound: 7, budgetMs: 10000, tnmu: 21 });
    expect(o.segments).toHaveLength(7);
  });

  it('refuses a constraint flag with --method exact, naming --method', () => {
    const r = run(['sequence', fixture('gecode-5x5.csv'), '--mlc', 'agility', '--method', 'exact', '--tongue-groove', '--json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--method/);
  });

  it('sequences under --no-interdigitation --tongue-groove with zero violations', () => {
    const r = run(['sequence', fixture('gecode-15x15.csv'), '--mlc', 'agility', '--method', 'sweep', '--no-interdigitation', '--tongue-groove', '--json']);
    const o = JSON.parse(r.stdout);
    expect(o.constraints.interdigitation).toEqual({ checked: true, violations: 0 });
    expect(o.constraints.tongueAndGroove).toEqual({ checked: true, violations: 0 });
    expect(o.tnmu).toBeGreaterThanOrEqual(o.unconstrainedTnmu);
  });

  it('prints sliding-window control points', () => {
    const r = run(['sequence', fixture('gecode-5x5.csv'), '--method', 'sliding-window', '--dose-rate', '300', '--json']);
    const o = JSON.parse(r.stdout);
    expect(o.controlPoints.length).toBeGreaterThan(5);
    expect(o.maxLeafSpeedMmPerS).toBeLessThanOrEqual(o.speedLimitMmPerS + 1e-9);
  });

  it.each([
    ['a non-integer', '1,2\n3,4.5\n', /not an integer/],
    ['a negative value', '1,-2\n', /negative/],
    ['ragged rows', '1,2,3\n4,5\n', /ragged/],
    ['an empty file', '\n', /empty/],
    ['too many rows for the MLC', `${Array.from({ length: 61 }, () => '1,2').join('\n')}\n`, /more rows than the MLC has leaf pairs/],
  ])('exits 2 with a clear error for %s', (_n, text, message) => {
    const r = run(['sequence', tmpFile(text), '--mlc', 'millennium-120', '--json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('a fraction delivering a sequenced dose-painting map', () => {
  it('delivers both beams and the fluence rebuilt from the MLC readback matches the 24-level map', () => {
    const { file: cfgFile } = configInTmp('lb-dp-');
    const plan = JSON.parse(fs.readFileSync(path.join(root, 'examples/dose-painting-sequenced.json'), 'utf8'));
    expect(Math.max(...plan.beams[0].fluence.flat())).toBeGreaterThanOrEqual(20);
    const r = run(['--config', cfgFile, 'simulate', 'examples/dose-painting-sequenced.json', '--json', '--time-scale', '10']);
    expect(r.status, r.stderr).toBe(0);
    const rec = JSON.parse(r.stdout) as FractionRecord;
    for (const b of rec.beams) {
      expect(b.fluence!.maxAbsErrorMu).toBeLessThanOrEqual(0.01);
      expect(b.fluence!.reconstructedTotalMu).toBeCloseTo(b.fluence!.plannedTotalMu, 1);
      expect(b.segments.every((s) => s.apertureReadback !== null)).toBe(true);
    }
  });
});
