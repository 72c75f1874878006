/** Independent reference for the native fluence kernel: the obvious triple loop. */
import type { Aperture } from '../../src/kernels/fluence.js';

export function referenceFluence(rows: number, cols: number, apertures: readonly Aperture[]): number[][] {
  const f = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (const a of apertures) {
    for (let r = 0; r < rows; r++) {
      const iv = a.rows[r];
      if (!iv) continue;
      for (let c = 0; c < cols; c++) if (c >= iv[0] && c <= iv[1]) f[r][c] += a.mu;
    }
  }
  return f;
}

/** Deterministic pseudo-random numbers so failures reproduce. */
export { mulberry32 as rng } from '../../src/core/random.js';

export function randomApertures(rand: () => number, rows: number, cols: number, count: number): Aperture[] {
  return Array.from({ length: count }, () => ({
    mu: Math.round(rand() * 2000) / 100,
    rows: Array.from({ length: rows }, () => {
      if (rand() < 0.2) return null;
      const a = Math.floor(rand() * cols);
      const b = Math.floor(rand() * cols);
      return [Math.min(a, b), Math.max(a, b)] as [number, number];
    }),
  }));
}
