import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { computeMargins, type SetupError } from '../../src/domain/statistics/setup-margins.js';
import { parseSetupErrorCsv, setupErrorsFromJournal } from '../../src/domain/statistics/setup-error-sources.js';
import { gaussian } from '../../src/core/random.js';
import { rng } from '../helpers/reference-fluence.js';

const LIMITS = loadConfig().bridge.margins; // maxSetupErrorMm 50
const row = (patient: string, fraction: number, lateralMm: number, longitudinalMm = 0, verticalMm = 0): SetupError => ({ patient, fraction, lateralMm, longitudinalMm, verticalMm });

describe('van Herk margins', () => {
  it('reproduces the worked example of van Herk et al. (IJROBP 47:1121, 2000): Σ = 2 mm, σ = 3 mm → 7.1 mm', () => {
    // Patient means −2, 0, 2 mm: SD (n − 1) = √((4 + 0 + 4) / 2) = 2 = Σ.
    // Each patient's fractions are mean − 3, mean, mean + 3: SD = √((9 + 0 + 9) / 2) = 3, so σ = RMS(3, 3, 3) = 3.
    // Margin = 2.5 × 2 + 0.7 × 3 = 7.1 mm.
    const errors = [-2, 0, 2].flatMap((m, p) => [-3, 0, 3].map((d, f) => row(`P${p}`, f + 1, m + d)));
    const r = computeMargins(errors, LIMITS);
    expect(r.axes.lateral.systematicMm).toBeCloseTo(2, 12);
    expect(r.axes.lateral.randomMm).toBeCloseTo(3, 12);
    expect(r.axes.lateral.marginMm).toBeCloseTo(7.1, 12);
    expect(r).toMatchObject({ patients: 3, fractions: 9 });
  });

  it('recovers Σ and σ of a synthetic population built with them (Σ 3, 1.5, 2 mm; σ 2, 2.5, 1 mm)', () => {
    const rand = rng(2026);
    const gauss = () => gaussian(rand);
    const SIGMA = [3, 1.5, 2];
    const sigma = [2, 2.5, 1];
    const errors: SetupError[] = [];
    for (let p = 0; p < 400; p++) {
      const m = SIGMA.map((S) => S * gauss());
      for (let f = 1; f <= 25; f++) errors.push(row(`P${p}`, f, m[0] + sigma[0] * gauss(), m[1] + sigma[1] * gauss(), m[2] + sigma[2] * gauss()));
    }
    const r = computeMargins(errors, LIMITS);
    const axes = [r.axes.lateral, r.axes.longitudinal, r.axes.vertical];
    axes.forEach((a, i) => {
      // the SD of patient means also carries σ²/n: expected √(Σ² + σ²/25)
      expect(a.systematicMm).toBeCloseTo(Math.sqrt(SIGMA[i] ** 2 + sigma[i] ** 2 / 25), 0);
      expect(Math.abs(a.systematicMm / Math.sqrt(SIGMA[i] ** 2 + sigma[i] ** 2 / 25) - 1)).toBeLessThan(0.08);
      expect(Math.abs(a.randomMm / sigma[i] - 1)).toBeLessThan(0.03);
    });
  });

  it('reports a patient with one fraction and leaves them out instead of averaging them in', () => {
    const errors = [row('A', 1, 1), row('A', 2, 3), row('B', 1, -1), row('B', 2, 1), row('C', 1, 50)];
    const r = computeMargins(errors, LIMITS);
    expect(r.excluded).toEqual([{ patient: 'C', fractions: 1 }]);
    expect(r.patients).toBe(2);
    expect(r.axes.lateral.meanMm).toBeCloseTo(1, 12); // C's 50 mm is not in it
  });

  it('refuses to compute from fewer than two usable patients', () => {
    expect(() => computeMargins([row('A', 1, 1), row('A', 2, 2), row('B', 1, 3)], LIMITS)).toThrowError(expect.objectContaining({ code: 'INPUT_INVALID', field: 'patients', actual: 1 }));
  });
});

describe('setup-error inputs', () => {
  it('reads the CSV form and names the line and column of a bad value', () => {
    const ok = parseSetupErrorCsv('patient,fraction,lateral_mm,longitudinal_mm,vertical_mm,pitch_deg\nA,1,0.5,-1,2,0.3\n', 'x.csv');
    expect(ok).toEqual([{ ...row('A', 1, 0.5, -1, 2), source: 'x.csv:2' }]);
    expect(() => parseSetupErrorCsv('patient,fraction,lateral_mm,longitudinal_mm,vertical_mm\nA,1,abc,0,0\n', 'x.csv')).toThrowError(expect.objectContaining({ field: 'x.csv:2:lateral_mm' }));
    expect(() => parseSetupErrorCsv('patient,fraction,lateral_mm\n', 'x.csv')).toThrowError(expect.objectContaining({ limit: 'longitudinal_mm' }));
  });

  it('takes one sample per fraction from a journal: the first registration, as −correction', () => {
    const reg = (id: string, patientId: string, fraction: number, lat: number, acquiredAtEpochMs: number) => ({ kind: 'registration', data: { registration: { id, patientId, fraction, acquiredAtEpochMs, correction: { lateralMm: lat, longitudinalMm: 0, verticalMm: 0 } } } });
    const entries = [
      reg('r1', 'A', 1, 3, 1000), { kind: 'operator', data: { type: 'APPROVE', registrationId: 'r1' } },
      reg('r2', 'A', 1, 0.4, 2000), { kind: 'operator', data: { type: 'APPROVE', registrationId: 'r2' } }, // verification image after the correction
      reg('r3', 'A', 2, -1, 3000), // below the action level: not approved, still a setup error
    ];
    expect(setupErrorsFromJournal(entries, 'j.jsonl')).toEqual([
      { ...row('A', 1, -3, -0, -0), source: 'j.jsonl registration r1' },
      { ...row('A', 2, 1, -0, -0), source: 'j.jsonl registration r3' },
    ]);
  });
});

describe('the worked population (expected values from test/fixtures/margins/van-herk-margins.py, numpy)', () => {
  const dir = new URL('../fixtures/margins/', import.meta.url);
  const csv = fs.readFileSync(new URL('population.csv', dir), 'utf8');
  const expected = JSON.parse(fs.readFileSync(new URL('van-herk-margins.expected.json', dir), 'utf8'));
  const AXIS_KEYS = ['lateral', 'longitudinal', 'vertical'] as const;
  const expectReport = (r: ReturnType<typeof computeMargins>) => {
    expect(r).toMatchObject({ patients: expected.patients, fractions: expected.fractions, excluded: [] });
    for (const axis of AXIS_KEYS) for (const k of ['meanMm', 'systematicMm', 'randomMm', 'marginMm'] as const) expect(r.axes[axis][k]).toBeCloseTo(expected.axes[axis][k], 9);
  };

  it('gives the script’s Σ, σ, mean and margin per axis from the CSV', () => {
    expectReport(computeMargins(parseSetupErrorCsv(csv, 'population.csv'), LIMITS));
  });

  it('gives the same from a journal whose registrations ask for −error, with a verification registration after each correction', () => {
    const errors = parseSetupErrorCsv(csv, 'population.csv');
    const entries = errors.flatMap((e, i) => {
      const reg = (id: string, t: number, k: number) => ({ kind: 'registration', data: { registration: { id, patientId: e.patient, fraction: e.fraction, acquiredAtEpochMs: t, correction: { lateralMm: -k * e.lateralMm, longitudinalMm: -k * e.longitudinalMm, verticalMm: -k * e.verticalMm } } } });
      return [reg(`pre-${i}`, 10_000 * i, 1), { kind: 'operator', data: { type: 'APPROVE', registrationId: `pre-${i}` } }, reg(`verify-${i}`, 10_000 * i + 5_000, 0.1), { kind: 'operator', data: { type: 'APPROVE', registrationId: `verify-${i}` } }];
    });
    expectReport(computeMargins(setupErrorsFromJournal(entries), LIMITS));
  });

  it('refuses a duplicate patient and fraction, naming the line', () => {
    const dup = `${csv.trimEnd()}\nP2,3,-0.9,3.1,-1.2\n`;
    expect(() => computeMargins(parseSetupErrorCsv(dup, 'd.csv'), LIMITS)).toThrowError(expect.objectContaining({ code: 'INPUT_INVALID', field: 'd.csv:19' }));
  });

  it.each([['1e308', 1e308], ['-1e308', -1e308], ['50.1', 50.1]])('refuses an implausible %s mm, naming line, column and the configured limit', (text, value) => {
    const bad = csv.replace('P3,2,-0.4,', `P3,2,${text},`);
    expect(() => computeMargins(parseSetupErrorCsv(bad, 'b.csv'), LIMITS)).toThrowError(expect.objectContaining({ code: 'LIMIT_EXCEEDED', field: 'b.csv:12:lateral_mm', actual: value, unit: 'mm' }));
  });
});

describe('linac-bridge margins (CLI)', () => {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
  it('prints the JSON report for a CSV', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-margins-'));
    const file = path.join(dir, 'errors.csv');
    const lines = ['patient,fraction,lateral_mm,longitudinal_mm,vertical_mm'];
    [-2, 0, 2].forEach((m, p) => [-3, 0, 3].forEach((d, f) => lines.push(`P${p},${f + 1},${m + d},0,${m}`)));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const r = spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'margins', file, '--json'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ patients: 3, fractions: 9 });
    expect(out.axes.lateral.marginMm).toBeCloseTo(7.1, 9);
    expect(Object.keys(out.axes.lateral).sort()).toEqual(['marginMm', 'meanMm', 'randomMm', 'systematicMm']);
  });
});
