/** Native fluence kernel against the straightforward TypeScript triple loop, same inputs, same run. */
import { accumulateFluence } from '../src/kernels/fluence.js';
import { randomApertures, referenceFluence, rng } from '../test/helpers/reference-fluence.js';
import { fmt, time } from './timing.js';

export function benchKernels(): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const [r, c, k] of [[15, 15, 20], [40, 60, 80]] as const) {
    const aps = randomApertures(rng(r * c), r, c, k);
    const nat = time(() => accumulateFluence(r, c, aps), { maxCalls: 20_000, maxMs: 1500 });
    const ref = time(() => referenceFluence(r, c, aps), { maxCalls: 20_000, maxMs: 1500 });
    rows.push({ case: `fluence ${r}x${c}, ${k} segments`, nativeMs: fmt(nat.msPerCall), referenceTsMs: fmt(ref.msPerCall), speedup: fmt(ref.msPerCall / nat.msPerCall, 3) });
  }
  return rows;
}
