/**
 * How late the leaves follow their expected positions: for each moving leaf,
 * the time shift k (in samples, 0…maxLagSamples) that minimises the mean
 * squared difference between actual(t) and expected(t − k), refined to a
 * fraction of a sample by a parabola through the three best shifts; the
 * median over moving leaves, in ms. Undefined when no leaf moves.
 */
import type { MachineLog } from './machine-log.js';

export function estimateLeafLagMs(log: MachineLog, moving: readonly boolean[], maxLagSamples = 50): number | undefined {
  const L = 2 * log.leafPairs;
  const S = log.snapshots;
  const K = Math.min(maxLagSamples, Math.floor(S / 2));
  const lags: number[] = [];
  for (let l = 0; l < L; l++) {
    if (!moving[l]) continue;
    const cost: number[] = [];
    for (let k = 0; k <= K; k++) {
      let sum = 0;
      for (let s = K; s < S; s++) {
        const d = log.actualMm[s * L + l] - log.expectedMm[(s - k) * L + l];
        sum += d * d;
      }
      cost.push(sum / (S - K));
    }
    let best = 0;
    for (let k = 1; k <= K; k++) if (cost[k] < cost[best]) best = k;
    let frac = 0;
    if (best > 0 && best < K) {
      const den = cost[best - 1] - 2 * cost[best] + cost[best + 1];
      if (den > 0) frac = (0.5 * (cost[best - 1] - cost[best + 1])) / den;
    }
    lags.push((best + frac) * log.samplingIntervalMs);
  }
  if (lags.length === 0) return undefined;
  lags.sort((a, b) => a - b);
  const m = lags.length >> 1;
  return lags.length % 2 ? lags[m] : (lags[m - 1] + lags[m]) / 2;
}
