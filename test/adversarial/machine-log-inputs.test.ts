/**
 * Corrupt machine logs and gamma arguments: refused with a BridgeError naming the field, never a
 * crash or an endless loop of the native kernels (which share the process with the session).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMachineLogs } from '../../src/bridge/machine-log-files.js';
import { BridgeError } from '../../src/core/bridge-error.js';
import { analyzeLog } from '../../src/domain/logs/log-analysis.js';
import { gamma, type GammaCriteria, type GammaGrid } from '../../src/kernels/gamma.js';
import { leafErrorStats, leafFluence } from '../../src/kernels/leaf-stats.js';
import { crc16Ccitt } from '../../src/protocol/crc16.js';
import { decodeTrajectoryLog } from '../../src/protocol/logs/trajectory-log-decode.js';
import { encodeTrajectoryLog } from '../../src/protocol/logs/trajectory-log-encode.js';
import type { TrajectoryLog } from '../../src/protocol/logs/trajectory-log.js';
import { asyncRefusal as refusal } from '../helpers/refusal.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const fixture = path.join(root, 'test/fixtures/tlog/tlog_v2.1_JST90.bin');
const cli = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

function reference(): TrajectoryLog {
  const r = decodeTrajectoryLog(fs.readFileSync(fixture));
  if (!r.ok) throw r.error;
  return r.value;
}

/** The reference log with every `every`-th float sample replaced by `value`, written with a valid CRC. */
function corrupted(value: number, every: number): string {
  const t = reference();
  const data = t.data.slice();
  for (let k = 0; k < data.length; k += every) data[k] = value;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlog-bad-'));
  const file = path.join(dir, 'bad.bin');
  fs.writeFileSync(file, encodeTrajectoryLog({ ...t, data }));
  return file;
}


describe('a trajectory log with impossible sample values and a valid CRC', () => {
  it.each([
    ['NaN', Number.NaN, 7],
    ['Infinity', Number.POSITIVE_INFINITY, 5],
    ['3e38 (cm: beyond float range in mm)', 3e38, 1],
  ])('is refused by the analysis with %s named, before any kernel sees it', async (_name, value, every) => {
    const file = corrupted(value, every);
    const [loaded] = readMachineLogs([file]);
    const e = await refusal(() => analyzeLog(loaded.log));
    expect(e.code).toBe('INPUT_INVALID');
    expect(e.field).toMatch(/^log\.(expected|actual)(Jaws)?(Mm|Mu)\[\d+\]$/);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('makes `log analyze` exit 2 naming the sample, with no stack', () => {
    const file = corrupted(Number.POSITIVE_INFINITY, 5);
    const r = cli(['log', 'analyze', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/log\.expectedMm\[0\]/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});

describe('the leaf kernels refuse non-finite input at their TypeScript face', () => {
  const grid = { x0Mm: -5, y0Mm: -5, resolutionMm: 1, nx: 10, ny: 10 };
  it('leafFluence with an infinite tip', async () => {
    const tips = new Float32Array([-2, Number.POSITIVE_INFINITY]);
    const e = await refusal(() => leafFluence(tips, new Float64Array([1]), new Float32Array([-5, 5, -5, 5]), new Float64Array([-5, 5]), grid));
    expect([e.code, e.field]).toEqual(['INPUT_INVALID', 'tips[1]']);
  });
  it('leafErrorStats with a NaN position', async () => {
    const e = await refusal(() => leafErrorStats(new Float32Array([1, 2]), new Float32Array([Number.NaN, 2]), new Uint8Array([1]), 2));
    expect([e.code, e.field]).toEqual(['INPUT_INVALID', 'actual[0]']);
  });
});

describe('a trajectory log file that is too large or whose header lies', () => {
  it('refuses a 3 GB (sparse) file by its size with exit 2 and no stack', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlog-big-'));
    const file = path.join(dir, 'big.bin');
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, 3 * 1024 ** 3); // sparse: no blocks written
    try {
      const r = cli(['log', 'analyze', file]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/LIMIT_EXCEEDED/);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['snapshot count', 12],
    ['subbeam count', 4],
  ])('refuses a header whose %s is 2^31 - 1 (CRC recomputed) by the file length, allocating nothing', (_what, at) => {
    const b = Buffer.from(fs.readFileSync(fixture));
    const h = 44 + 8 * b.readInt32LE(40);
    b.writeInt32LE(0x7fffffff, h + at);
    b.writeUInt16LE(crc16Ccitt(b, 0, b.length - 2), b.length - 2);
    const r = decodeTrajectoryLog(b);
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.code, r.error.field]).toEqual(['FRAME_MALFORMED', 'tlog.length']);
  });
});

describe('gamma arguments', () => {
  const crit: GammaCriteria = { dosePercent: 3, distanceMm: 3, cutoffPercent: 10, local: false };
  const g2: GammaGrid = { shape: [2, 2], spacingMm: [1, 1] };
  const ones = () => new Float64Array([1, 2, 3, 4]);
  it.each<[string, () => Promise<unknown>, string]>([
    ['an empty grid', () => gamma(new Float64Array(0), new Float64Array(0), { shape: [0, 0], spacingMm: [1, 1] }, crit), 'grid.shape[0]'],
    ['a fractional shape', () => gamma(ones(), ones(), { shape: [2.5, 2], spacingMm: [1, 1] }, crit), 'grid.shape[0]'],
    ['mismatched sizes', () => gamma(ones(), new Float64Array(6), g2, crit), 'gamma.evaluated.length'],
    ['a zero spacing', () => gamma(ones(), ones(), { shape: [2, 2], spacingMm: [0, 1] }, crit), 'grid.spacingMm[0]'],
    ['a NaN dose', () => gamma(new Float64Array([1, Number.NaN, 3, 4]), ones(), g2, crit), 'gamma.reference[1]'],
    ['an infinite distance criterion', () => gamma(ones(), ones(), g2, { ...crit, distanceMm: Number.POSITIVE_INFINITY }), 'gamma.distanceMm'],
    ['a zero dose criterion', () => gamma(ones(), ones(), g2, { ...crit, dosePercent: 0 }), 'gamma.dosePercent'],
    ['a NaN cutoff', () => gamma(ones(), ones(), g2, { ...crit, cutoffPercent: Number.NaN }), 'gamma.cutoffPercent'],
    ['a cutoff above 100 %', () => gamma(ones(), ones(), g2, { ...crit, cutoffPercent: 101 }), 'gamma.cutoffPercent'],
    // 3D, radius/step 60: 121³ = 1.8 M offsets (the native limit of 400 would be 514 M, tens of GB)
    ['a 3D search radius of 60 steps', () => gamma(new Float64Array(8).fill(1), new Float64Array(8).fill(1), { shape: [2, 2, 2], spacingMm: [1, 1, 1] }, { ...crit, stepMm: 0.1, radiusMm: 6 }), 'gamma.radiusMm'],
  ])('refuses %s naming the argument', async (_what, f, field) => {
    const e = await refusal(f);
    expect([e.code, e.field]).toEqual(['INPUT_INVALID', field]);
  });

  it('evaluates a 1×1 grid and a 100 % cutoff (only the maximum) without complaint', async () => {
    expect((await gamma(new Float64Array([2]), new Float64Array([2]), { shape: [1, 1], spacingMm: [1, 1] }, crit)).evaluated).toBe(1);
    expect((await gamma(ones(), ones(), g2, { ...crit, cutoffPercent: 100 })).evaluated).toBe(1);
  });
});
