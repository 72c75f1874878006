/**
 * A token bucket per key (a client address for logins, a user for commands): `burst`
 * requests at once, refilled at `perSecond`. Over it the API answers 429 and does nothing.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(private readonly burst: number, private readonly perSecond: number, private readonly nowMs: () => number) {}

  /** Takes one token for `key`; false when none is left. */
  take(key: string): boolean {
    const now = this.nowMs();
    const b = this.buckets.get(key) ?? { tokens: this.burst, atMs: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.atMs) / 1000) * this.perSecond);
    b.atMs = now;
    if (this.buckets.size > 10_000) this.buckets.clear(); // bounded memory under a flood of addresses
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
