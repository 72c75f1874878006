/** Plain TypeScript leaf-error statistics, the reference the native kernel is compared with. */
export function referenceLeafStats(expected: Float32Array, actual: Float32Array, keep: Uint8Array, leaves: number) {
  const errs: number[][] = Array.from({ length: leaves }, () => []);
  const acts: number[][] = Array.from({ length: leaves }, () => []);
  keep.forEach((k, s) => {
    if (!k) return;
    for (let l = 0; l < leaves; l++) {
      errs[l].push(actual[s * leaves + l] - expected[s * leaves + l]);
      acts[l].push(actual[s * leaves + l]);
    }
  });
  const rms = errs.map((e) => Math.sqrt(e.reduce((a, v) => a + v * v, 0) / e.length));
  const std = acts.map((a) => {
    const m = a.reduce((x, y) => x + y, 0) / a.length;
    return Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / a.length);
  });
  const all = errs.flat().map(Math.abs).sort((a, b) => a - b);
  const pos = 0.95 * (all.length - 1);
  const lo = Math.floor(pos);
  const p95 = all[lo] + (all[Math.min(lo + 1, all.length - 1)] - all[lo]) * (pos - lo);
  return { rms, std, p95, max: all[all.length - 1] };
}
