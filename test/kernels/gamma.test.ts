import { describe, expect, it } from 'vitest';
import { gamma } from '../../src/kernels/gamma.js';
import { doseCase, fluenceCase, numpyGamma } from '../helpers/gamma-cases.js';

describe('native gamma (Low 1998, full search as Wendling 2007)', () => {
  it('gives γ = shift / distance criterion for a linear ramp shifted along x, where the dose agrees exactly', async () => {
    // a ramp d(x) = x on 1 mm pixels; evaluated = d(x - 1.5): the same dose lies 1.5 mm away
    const n = 41;
    const ref = new Float64Array(n * n).map((_, k) => 10 + (k % n));
    const ev = ref.map((v) => v - 1.5);
    // a dose criterion of 0.001 % leaves only the point where the dose matches: 1.5 mm away, γ = 1.5 / 3
    const g = await gamma(ref, ev, { shape: [n, n], spacingMm: [1, 1] }, { dosePercent: 0.001, distanceMm: 3, local: false, cutoffPercent: 0, radiusMm: 6, stepMm: 0.3 });
    expect(g.gamma[20 * n + 20]).toBeCloseTo(0.5, 5);
  });

  it('gives γ = |ΔD| / criterion for a uniform dose offset (no distance can help)', async () => {
    const n = 15;
    const ref = new Float64Array(n * n).fill(100);
    const ev = ref.map(() => 102);
    const g = await gamma(ref, ev, { shape: [n, n], spacingMm: [2, 2] }, { dosePercent: 3, distanceMm: 3, local: false, cutoffPercent: 10 });
    expect(g.passPercent).toBe(100);
    expect(g.mean).toBeCloseTo(2 / 3, 5);
  });

  it('refuses a criterion of 0, naming it', async () => {
    await expect(gamma(new Float64Array(4), new Float64Array(4), { shape: [2, 2], spacingMm: [1, 1] }, { dosePercent: 0, distanceMm: 1, local: false, cutoffPercent: 10 })).rejects.toMatchObject({ field: 'gamma.dosePercent' });
  });

  // the NumPy search loops over offsets in Python: the 3D case stays small and runs once
  const cases = [
    ['2D fluence 48×48 at 4 mm', () => fluenceCase(48, 4), [[3, 3, false], [2, 2, false], [3, 3, true]]],
    ['3D dose 16³ at 5 mm', () => doseCase(16, 5), [[2, 2, false]]],
  ] as const;
  for (const [name, make, criteria] of cases) {
    for (const [d, dta, local] of criteria) {
      it(`gives the pass rate of the independent NumPy search within 0.1 point on a ${name}, ${d}%/${dta} mm ${local ? 'local' : 'global'}`, async () => {
        const c = make();
        const crit = { dosePercent: d, distanceMm: dta, cutoffPercent: 10, local, stepMm: dta / 10, radiusMm: 2 * dta };
        const g = await gamma(c.reference, c.evaluated, { shape: c.shape, spacingMm: c.spacingMm }, crit);
        const p = numpyGamma(c, crit);
        expect(g.evaluated).toBe(p.evaluated);
        expect(Math.abs(g.passPercent - p.passPercent)).toBeLessThanOrEqual(0.1);
        expect(g.mean).toBeCloseTo(p.mean, 3);
        expect(g.passPercent).toBeLessThan(100); // the case is not trivial
      });
    }
  }
});
