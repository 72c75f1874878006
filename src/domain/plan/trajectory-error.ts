/**
 * How far the MLC readback is from a dynamic beam's trajectory at the MU the
 * linac delivered when the readback was taken (docs/dynamic-delivery.md).
 *
 * The two readbacks come over two links, each stamped on arrival; neither
 * device says when it sampled. A readback that arrived at t after a request
 * sent at t − r was sampled somewhere in [t − r, t]. So the MLC sample taken
 * at s ∈ [tM − rM, tM] is compared with every expected position for the MU
 * over the arrival-time window [tM − rM, tM + rB] (rB: the beam link's round
 * trip, since a beam readback stamped t was sampled up to rB earlier), MU
 * interpolated linearly in time between beam readbacks. A leaf's error is its
 * distance from the range its planned position covers over that window (0
 * inside it). The check thus cannot see an error smaller than the distance a
 * planned leaf moves in rM + rB; at the planned speed v that is v·(rM + rB).
 */
import { positionsAt, type MlcPositions, type TrajectoryPoint } from '../../protocol/mlc-protocol.js';

/** A beam readback: MU delivered on the beam so far, stamped on arrival. */
export interface MuSample {
  readonly atMs: number;
  readonly mu: number;
}

export interface TrajectoryError {
  readonly maxErrorMm: number;
  /** The worst leaf (0-based pair index, as the MLC protocol numbers them). */
  readonly bank: 'A' | 'B';
  readonly pair: number;
  readonly actualMm: number;
  /** The planned position's range over the MU window, mm. */
  readonly expectedMm: readonly [number, number];
  /** The MU window the readback is judged against. */
  readonly muWindow: readonly [number, number];
}

/** MU at time t, linear between the readbacks around it; clamped outside them. `samples` in arrival order. */
export function muAt(samples: readonly MuSample[], t: number): number {
  if (samples.length === 0) return 0;
  if (t <= samples[0].atMs) return samples[0].mu;
  for (let k = 1; k < samples.length; k++) {
    const a = samples[k - 1];
    const b = samples[k];
    if (t <= b.atMs) return b.atMs === a.atMs ? b.mu : a.mu + ((b.mu - a.mu) * (t - a.atMs)) / (b.atMs - a.atMs);
  }
  return samples[samples.length - 1].mu;
}

/** Per leaf, the [min, max] planned position for meterset weights in [wLo, wHi] (linear between control points, PS3.3 C.8.8.14). */
export function expectedRange(points: readonly TrajectoryPoint[], wLo: number, wHi: number): { lo: MlcPositions; hi: MlcPositions } {
  const at = [positionsAt(points, wLo), positionsAt(points, wHi), ...points.filter((p) => p.metersetWeight > wLo && p.metersetWeight < wHi).map((p) => p.positions)];
  const fold = (bank: 'bankAMm' | 'bankBMm', f: (...v: number[]) => number) => at[0][bank].map((_, i) => f(...at.map((p) => p[bank][i])));
  return { lo: { bankAMm: fold('bankAMm', Math.min), bankBMm: fold('bankBMm', Math.min) }, hi: { bankAMm: fold('bankAMm', Math.max), bankBMm: fold('bankBMm', Math.max) } };
}

/** The readback's worst leaf against the trajectory over the MU window [muLo, muHi] of a beam of `beamMu`. */
export function trajectoryError(points: readonly TrajectoryPoint[], beamMu: number, muLo: number, muHi: number, actual: MlcPositions): TrajectoryError {
  const w = (mu: number) => Math.min(1, Math.max(0, mu / beamMu));
  const { lo, hi } = expectedRange(points, w(Math.min(muLo, muHi)), w(Math.max(muLo, muHi)));
  let worst: TrajectoryError = { maxErrorMm: 0, bank: 'A', pair: 0, actualMm: actual.bankAMm[0], expectedMm: [lo.bankAMm[0], hi.bankAMm[0]], muWindow: [muLo, muHi] };
  for (const [bank, key] of [['A', 'bankAMm'], ['B', 'bankBMm']] as const) {
    for (let i = 0; i < lo[key].length; i++) {
      const v = actual[key][i];
      const e = v === undefined || !Number.isFinite(v) ? Number.POSITIVE_INFINITY : Math.max(0, lo[key][i] - v, v - hi[key][i]);
      if (e > worst.maxErrorMm) worst = { maxErrorMm: e, bank, pair: i, actualMm: v, expectedMm: [lo[key][i], hi[key][i]], muWindow: [muLo, muHi] };
    }
  }
  return worst;
}
