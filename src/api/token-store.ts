/**
 * Login tokens: 256 random bits, held only as their SHA-256 (a memory dump shows no usable
 * token), each bound to the identity that logged in and expiring after the configured time.
 * Times are wall-clock (the expiry is shown to the client), injected for tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Identity } from '../bridge/facade/console-commands.js';

interface Held {
  readonly identity: Identity;
  readonly expiresAtMs: number;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('base64url');

export class TokenStore {
  private readonly tokens = new Map<string, Held>();

  constructor(private readonly ttlMs: number, private readonly wallNowMs: () => number = Date.now) {}

  issue(identity: Identity): { token: string; expiresAtMs: number } {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    const expiresAtMs = this.wallNowMs() + this.ttlMs;
    this.tokens.set(digest(token), { identity, expiresAtMs });
    return { token, expiresAtMs };
  }

  /** The identity of a valid, unexpired token; undefined otherwise. */
  verify(token: string | undefined): Identity | undefined {
    if (!token || token.length > 128) return undefined;
    const held = this.tokens.get(digest(token));
    if (!held) return undefined;
    if (this.wallNowMs() >= held.expiresAtMs) {
      this.tokens.delete(digest(token));
      return undefined;
    }
    return held.identity;
  }

  private sweep(): void {
    const now = this.wallNowMs();
    for (const [k, v] of this.tokens) if (now >= v.expiresAtMs) this.tokens.delete(k);
  }
}
