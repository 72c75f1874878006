/** The error function by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): edge models of beam penumbrae. */
export function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  return s * (1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a));
}

/** 80–20 % width of an error-function edge in units of its σ: 2 · Φ⁻¹(0.8). */
export const SIGMA_PER_80_20 = 1.6832;
