import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FractionRecord } from '../../src/bridge/fraction-record.js';
import { readTrajectoryLogFile } from '../../src/bridge/machine-log-files.js';
import { encodeTrajectoryLog } from '../../src/protocol/logs/trajectory-log-encode.js';
import { TlogAxis, axisOffsets } from '../../src/protocol/logs/trajectory-log.js';
import { configInTmp } from '../helpers/config-in-tmp.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const FIX = path.join(root, 'test/fixtures/tlog');
const run = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 90_000 });

describe('linac-bridge log analyze', () => {
  it('prints one entry per log with the documented keys, a DynaLog pair as one log', () => {
    const r = run(['log', 'analyze', path.join(FIX, 'tlog_v2.1_JST90.bin'), path.join(FIX, 'AQA.dlg'), path.join(FIX, 'BQA.dlg'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { logs: Array<Record<string, unknown> & { gamma: Record<string, unknown> }> };
    expect(out.logs).toHaveLength(2);
    for (const l of out.logs) {
      for (const k of ['file', 'format', 'version', 'snapshots', 'beamOnSnapshots', 'leaves', 'movingLeaves', 'rmsMeanMm', 'rmsMaxMm', 'p95AbsErrorMm', 'maxAbsErrorMm']) expect(l).toHaveProperty(k);
      expect(Object.keys(l.gamma)).toEqual(expect.arrayContaining(['criteria', 'passPercent', 'mean']));
    }
    expect(out.logs.map((l) => l.format)).toEqual(['trajectory', 'dynalog']);
  });

  it('reports a log whose every snapshot is held as not analysable: exit 0, null figures and a note, "n/a" in text', () => {
    const { dir } = configInTmp();
    const log = readTrajectoryLogFile(path.join(FIX, 'tlog_v2.1_JST90.bin'));
    const hold = axisOffsets(log.axes).get(TlogAxis.beamHold)!;
    const stride = log.data.length / log.snapshots;
    const data = log.data.slice();
    for (let s = 0; s < log.snapshots; s++) data[s * stride + hold.offset * 2 + 1] = 1; // actual beam hold on
    const file = path.join(dir, 'held.bin');
    fs.writeFileSync(file, encodeTrajectoryLog({ ...log, data }));
    const j = run(['log', 'analyze', file, '--json']);
    expect(j.status, j.stderr).toBe(0);
    const [l] = (JSON.parse(j.stdout) as { logs: Array<Record<string, unknown>> }).logs;
    expect([l.beamOnSnapshots, l.rmsMeanMm, l.rmsMaxMm, l.p95AbsErrorMm, l.maxAbsErrorMm]).toEqual([0, null, null, null, null]);
    expect(l.note).toMatch(/not analysable/);
    const t = run(['log', 'analyze', file]);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/not analysable/);
    expect(t.stdout).toMatch(/RMS mean n\/a, RMS max n\/a/);
    expect(t.stdout).not.toMatch(/0\.000 mm/);
  });

  it('exits 2 naming the file for a lone DynaLog or a corrupt trajectory log', () => {
    const lone = run(['log', 'analyze', path.join(FIX, 'BQA.dlg')]);
    expect(lone.status).toBe(2);
    expect(lone.stderr).toContain('BQA.dlg');
    const { dir } = configInTmp();
    const bad = Buffer.from(fs.readFileSync(path.join(FIX, 'tlog_v2.1_JS0_static.bin')));
    bad[2000] ^= 1;
    fs.writeFileSync(path.join(dir, 'bad.bin'), bad);
    const r = run(['log', 'analyze', path.join(dir, 'bad.bin')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/tlog\.crc/);
  });
});

describe('linac-bridge simulate --log-dir', () => {
  it('writes one trajectory log and summary per beam that read back with the delivered MU and in-tolerance leaves', () => {
    const { file, dir } = configInTmp();
    const logDir = path.join(dir, 'logs');
    const r = run(['--config', file, 'simulate', 'examples/two-beam-step-and-shoot.json', '--json', '--time-scale', '10', '--log-dir', logDir]);
    expect(r.status, r.stderr).toBe(0);
    const rec = JSON.parse(r.stdout) as FractionRecord & { logs: Array<{ beamId: number; file: string; summary: string }> };
    expect(rec.logs.map((l) => l.beamId)).toEqual([1, 2]);
    for (const l of rec.logs) {
      const log = readTrajectoryLogFile(l.file);
      const mu = axisOffsets(log.axes).get(TlogAxis.mu)!;
      const stride = log.data.length / log.snapshots;
      const lastMu = log.data[(log.snapshots - 1) * stride + mu.offset * 2 + 1];
      const beam = rec.beams.find((b) => b.id === l.beamId)!;
      expect(lastMu).toBeCloseTo(beam.deliveredMu1, 2);
      const summary = JSON.parse(fs.readFileSync(l.summary, 'utf8'));
      expect(summary.snapshots).toBe(log.snapshots);
      expect(summary.analysis.maxAbsErrorMm).toBeLessThan(1); // step-and-shoot: leaves still while the beam is on
      expect(summary.analysis.gamma.passPercent).toBeGreaterThan(95);
    }
  });
});
