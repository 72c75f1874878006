import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMachineLogs } from '../../../src/bridge/machine-log-files.js';
import { analyzeLog, NOT_ANALYSABLE } from '../../../src/domain/logs/log-analysis.js';

const FIX = path.resolve(__dirname, '../../fixtures/tlog');
/** Written by test/fixtures/tlog/log_stats.py (numpy, reading the files itself). */
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'log_stats.expected.json'), 'utf8')) as Record<string, Record<string, number | string>>;

const cases = [
  ['tlog_v2.1_JS0_static.bin', ['tlog_v2.1_JS0_static.bin']],
  ['tlog_v2.1_JST90.bin', ['tlog_v2.1_JST90.bin']],
  ['AQA.dlg+BQA.dlg', ['AQA.dlg', 'BQA.dlg']],
] as const;

describe('log analysis of the reference logs', () => {
  it.each(cases)('gives the leaf-error figures of the independent NumPy script for %s', async (key, files) => {
    const [loaded] = readMachineLogs(files.map((f) => path.join(FIX, f)));
    const r = await analyzeLog(loaded.log);
    const want = expected[key];
    expect([r.version, r.snapshots, r.beamOnSnapshots, r.leaves, r.movingLeaves]).toEqual([want.version, want.snapshots, want.beamOnSnapshots, want.leaves, want.movingLeaves]);
    for (const k of ['rmsMeanMm', 'rmsMaxMm', 'p95AbsErrorMm', 'maxAbsErrorMm'] as const) expect(r[k]).toBeCloseTo(want[k] as number, 5);
  });

  it('reads a DynaLog A/B pair given together as one log, in either order', () => {
    const logs = readMachineLogs([path.join(FIX, 'BQA.dlg'), path.join(FIX, 'tlog_v2.1_JST90.bin'), path.join(FIX, 'AQA.dlg')]);
    expect(logs.map((l) => l.log.format)).toEqual(['trajectory', 'dynalog']);
    expect(logs[1].log.leafPairs).toBe(60);
  });

  it('refuses a lone DynaLog file, naming it', () => {
    expect(() => readMachineLogs([path.join(FIX, 'AQA.dlg')])).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', field: path.join(FIX, 'AQA.dlg') }));
  });

  it('finds no leaf lag in the static reference logs and a fluence gamma that passes', async () => {
    const [loaded] = readMachineLogs([path.join(FIX, 'tlog_v2.1_JST90.bin')]);
    const r = await analyzeLog(loaded.log);
    expect(r.leafLagMs).toBeNull();
    expect(r.gamma.passPercent).toBeGreaterThan(99);
  });

  it('reports a log with every snapshot held as not analysable: null leaf figures and a note, not RMS 0', async () => {
    const [loaded] = readMachineLogs([path.join(FIX, 'tlog_v2.1_JST90.bin')]);
    const r = await analyzeLog({ ...loaded.log, kept: new Uint8Array(loaded.log.snapshots) });
    expect(r.beamOnSnapshots).toBe(0);
    expect([r.rmsMeanMm, r.rmsMaxMm, r.p95AbsErrorMm, r.maxAbsErrorMm]).toEqual([null, null, null, null]);
    expect(r.note).toBe(NOT_ANALYSABLE);
    expect(r.gamma.passPercent).toBeNull();
  });

  it('reports a log with no snapshots at all as not analysable', async () => {
    const [loaded] = readMachineLogs([path.join(FIX, 'tlog_v2.1_JST90.bin')]);
    const f32 = new Float32Array(0);
    const f64 = new Float64Array(0);
    const r = await analyzeLog({ ...loaded.log, snapshots: 0, expectedMm: f32, actualMm: f32, expectedJawsMm: f32, actualJawsMm: f32, kept: new Uint8Array(0), expectedMu: f64, actualMu: f64 });
    expect([r.snapshots, r.rmsMeanMm, r.maxAbsErrorMm, r.note]).toEqual([0, null, null, NOT_ANALYSABLE]);
  });

  it('gives no note for a log with beam-on snapshots', async () => {
    const [loaded] = readMachineLogs([path.join(FIX, 'tlog_v2.1_JST90.bin')]);
    expect((await analyzeLog(loaded.log)).note).toBeUndefined();
  });
});
