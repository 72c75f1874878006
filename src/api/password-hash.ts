/**
 * Password hashing with scrypt (node:crypto), a per-user random salt and a constant-time
 * comparison. scrypt runs on the thread pool (async), so a login never stalls the event
 * loop the interlocks run on. Parameters are stored with each hash, so they can be raised
 * later without invalidating existing users (RFC 7914; OWASP Password Storage Cheat Sheet
 * suggests N=2^17, r=8, p=1 as a minimum: we use N=2^15 by default for a 2-core console
 * host and record it; see docs/console-api.md).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly keyLen: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 32768, r: 8, p: 1, keyLen: 64 };

export interface PasswordHash {
  readonly kdf: 'scrypt';
  readonly params: ScryptParams;
  /** base64 */
  readonly salt: string;
  /** base64 */
  readonly hash: string;
}

function derive(password: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  // memory needed is 128 · N · r bytes; allow it explicitly (node's default cap is 32 MiB)
  const maxmem = 256 * p.N * p.r;
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, p.keyLen, { N: p.N, r: p.r, p: p.p, maxmem }, (e, key) => (e ? reject(e) : resolve(key))));
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return { kdf: 'scrypt', params, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), stored.params);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
