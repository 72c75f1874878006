/** Small timing helpers: repeat a function within a count and time budget, report per-call figures. */
export interface Timing {
  readonly calls: number;
  readonly msPerCall: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export function time(fn: () => void, opts: { maxCalls: number; maxMs: number }): Timing {
  for (let i = 0; i < Math.min(20, opts.maxCalls); i++) fn(); // warm-up
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < opts.maxCalls && performance.now() - start < opts.maxMs) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return summarise(samples);
}

export function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { calls: samples.length, msPerCall: samples.reduce((a, b) => a + b, 0) / samples.length, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: sorted[sorted.length - 1] };
}

export const fmt = (v: number, digits = 4): string => (v >= 100 ? v.toFixed(0) : v.toPrecision(digits));
