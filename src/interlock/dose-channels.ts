/**
 * The dual dose-channel agreement rule, in one place (IEC 60601-2-1: two
 * independent dose-monitoring channels). The channels may differ by a fraction
 * of the larger reading, but never less than an absolute floor: an absolute
 * limit alone is loose for small beams (0.5 MU is 25 % of 2 MU) and tight for
 * large ones (0.08 % of 600 MU). Both values are configurable; the defaults in
 * `config/default.json` are not from a primary text (see docs/references.md).
 */

export interface DoseChannelTolerance {
  /** Allowed |mu1 − mu2| as a fraction of max(mu1, mu2), 0..1. */
  readonly fraction: number;
  /** Allowed |mu1 − mu2| never below this, MU (covers the start of a beam and quantisation). */
  readonly floorMu: number;
}

/** The allowed |mu1 − mu2| at these readings, MU. */
export function allowedChannelDifferenceMu(mu1: number, mu2: number, t: DoseChannelTolerance): number {
  return Math.max(t.floorMu, t.fraction * Math.max(Math.abs(mu1), Math.abs(mu2)));
}

/** True when the two channels positively agree; a non-finite reading never agrees. */
export function doseChannelsAgree(mu1: number, mu2: number, t: DoseChannelTolerance): boolean {
  if (!Number.isFinite(mu1) || !Number.isFinite(mu2)) return false;
  return Math.abs(mu1 - mu2) <= allowedChannelDifferenceMu(mu1, mu2, t);
}
