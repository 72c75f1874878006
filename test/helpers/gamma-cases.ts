/**
 * Synthetic reference/evaluated pairs for gamma: an IMRT-like fluence map and
 * a 3D dose with penumbra and depth fall-off; the evaluated one is shifted,
 * scaled and noisy (seeded), so pass rates are neither 0 nor 100 %. Also runs
 * the independent NumPy implementation (test/fixtures/gamma/gamma_numpy.py).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mulberry32 } from '../../src/core/random.js';

export interface GammaCase {
  readonly shape: number[];
  readonly spacingMm: number[];
  readonly reference: Float64Array;
  readonly evaluated: Float64Array;
}

const edge = (x: number, lo: number, hi: number, w: number): number => 1 / (1 + Math.exp(-(x - lo) / w)) - 1 / (1 + Math.exp(-(x - hi) / w));

/** n × n fluence map at spacing mm: three overlapping fields, the largest modulated; evaluated shifted (1.2, −0.8) mm, ×1.012, ±3 % noise, and a 6 % hot spot. */
export function fluenceCase(n: number, spacingMm: number, seed = 7): GammaCase {
  const rand = mulberry32(seed);
  const field = (x: number, y: number): number =>
    edge(x, -100, 95, 2) * edge(y, -90, 100, 2) * (0.7 + 0.3 * Math.sin(x / 9) * Math.cos(y / 13)) + 0.6 * edge(x, -15, 20, 1.5) * edge(y, -20, 30, 1.5) + 0.4 * edge(x, 10, 60, 3) * edge(y, -70, -10, 3);
  const ref = new Float64Array(n * n);
  const ev = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const x = (c - (n - 1) / 2) * spacingMm;
      const y = (r - (n - 1) / 2) * spacingMm;
      ref[r * n + c] = 100 * field(x, y);
      const hot = Math.hypot(x - 30, y + 20) < 25 ? 1.06 : 1; // a 6 % hot spot that fails 3 %/3 mm
      ev[r * n + c] = 100 * 1.012 * hot * field(x - 1.2, y + 0.8) * (1 + 0.03 * (2 * rand() - 1));
    }
  }
  return { shape: [n, n], spacingMm: [spacingMm, spacingMm], reference: ref, evaluated: ev };
}

/** n³ dose at spacing mm: a 60 × 80 mm field with depth fall-off; evaluated shifted (1.5, −0.5) mm laterally, ×1.015, ±2 % noise, and a 6 % hot sphere. */
export function doseCase(n: number, spacingMm: number, seed = 11): GammaCase {
  const rand = mulberry32(seed);
  const half = ((n - 1) / 2) * spacingMm;
  const dose = (x: number, y: number, z: number): number => edge(x, -30, 30, 3) * edge(y, -40, 40, 3) * Math.exp(-(z + half) / 150) * (1 - Math.exp(-(z + half + 5) / 8)) + 0.03;
  const ref = new Float64Array(n * n * n);
  const ev = new Float64Array(n * n * n);
  let k = 0;
  for (let iz = 0; iz < n; iz++) {
    for (let iy = 0; iy < n; iy++) {
      for (let ix = 0; ix < n; ix++, k++) {
        const [x, y, z] = [ix * spacingMm - half, iy * spacingMm - half, iz * spacingMm - half];
        ref[k] = 2 * dose(x, y, z);
        const hot = Math.hypot(x - 10, y + 15, z) < 15 ? 1.06 : 1; // a 6 % hot sphere
        ev[k] = 2 * 1.015 * hot * dose(x - 1.5, y + 0.5, z) * (1 + 0.02 * (2 * rand() - 1));
      }
    }
  }
  return { shape: [n, n, n], spacingMm: [spacingMm, spacingMm, spacingMm], reference: ref, evaluated: ev };
}

export interface NumpyGamma {
  readonly evaluated: number;
  readonly passed: number;
  readonly passPercent: number;
  readonly mean: number;
  readonly seconds: number;
}

/** Runs gamma_numpy.py (Debian's /usr/bin/python3 with numpy) on a case; `nice` keeps it from starving the machine. */
export function numpyGamma(c: GammaCase, crit: { dosePercent: number; distanceMm: number; cutoffPercent: number; local: boolean; stepMm: number; radiusMm: number }): NumpyGamma {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gamma-'));
  try {
    const write = (name: string, a: Float64Array): string => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      return f;
    };
    const spec = {
      reference: write('ref.f64', c.reference), evaluated: write('ev.f64', c.evaluated), shape: c.shape, spacing: c.spacingMm,
      dose: crit.dosePercent, dta: crit.distanceMm, cutoff: crit.cutoffPercent, local: crit.local, step: crit.stepMm, radius: crit.radiusMm,
    };
    fs.writeFileSync(path.join(dir, 'case.json'), JSON.stringify(spec));
    const script = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/gamma/gamma_numpy.py');
    const out = execFileSync('nice', ['-n', '10', '/usr/bin/python3', script, path.join(dir, 'case.json')], { encoding: 'utf8', maxBuffer: 1 << 20 });
    return JSON.parse(out) as NumpyGamma;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
