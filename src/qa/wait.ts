/** Bounded waiting on real devices (QA checks drive real links; the bound is the check's, not a test's). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves true once `cond` holds, false when `timeoutMs` passes first. */
export async function waitFor(cond: () => boolean, timeoutMs: number, pollMs = 5): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > end) return false;
    await sleep(pollMs);
  }
  return true;
}
