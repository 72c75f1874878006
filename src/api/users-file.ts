/**
 * The console's users: a JSON file of names, roles and scrypt hashes (no passwords, no
 * default account). A missing file means nobody can log in; `linac-bridge user add`
 * creates it. Read and validated whole (zod, strict) at start and after each change.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { BridgeError } from '../core/bridge-error.js';
import { JSON_LIMITS, parseJsonWithin } from '../core/json-limits.js';
import { CONSOLE_ROLES, type ConsoleRole } from '../bridge/facade/console-commands.js';
import { hashPassword, verifyPassword, DEFAULT_SCRYPT, type PasswordHash, type ScryptParams } from './password-hash.js';

export const USER_NAME = /^[a-z][a-z0-9._-]{1,31}$/;
export const MIN_PASSWORD_CHARS = 12;

const UserSchema = z.object({
  name: z.string().regex(USER_NAME),
  role: z.enum(CONSOLE_ROLES),
  password: z.object({
    kdf: z.literal('scrypt'),
    params: z.object({ N: z.number().int().min(1024).max(1 << 20), r: z.number().int().min(1).max(32), p: z.number().int().min(1).max(16), keyLen: z.number().int().min(32).max(128) }).strict(),
    salt: z.string().min(16).max(64),
    hash: z.string().min(32).max(256),
  }).strict(),
  createdAt: z.string(),
}).strict();

const UsersFileSchema = z.object({ version: z.literal(1), users: z.array(UserSchema).max(1000) }).strict()
  .refine((f) => new Set(f.users.map((u) => u.name)).size === f.users.length, { message: 'user names must be unique', path: ['users'] });

export type UserRecord = z.infer<typeof UserSchema>;

export function readUsers(file: string): readonly UserRecord[] {
  if (!fs.existsSync(file)) return [];
  const parsed = parseJsonWithin(fs.readFileSync(file), file, JSON_LIMITS.config);
  if (!parsed.ok) throw new BridgeError('CONFIG_INVALID', `users file: ${parsed.error.message}`, { field: file });
  const r = UsersFileSchema.safeParse(parsed.value);
  if (!r.success) throw new BridgeError('CONFIG_INVALID', `users file: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`, { field: file });
  return r.data.users;
}

/** Adds (or replaces the password and role of) a user; the file is written atomically, mode 0600. */
export async function addUser(file: string, name: string, role: ConsoleRole, password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<UserRecord> {
  if (!USER_NAME.test(name)) throw new BridgeError('INPUT_INVALID', 'a user name is 2–32 of a-z 0-9 . _ - starting with a letter', { field: 'name', actual: name.slice(0, 40) });
  if (!CONSOLE_ROLES.includes(role)) throw new BridgeError('INPUT_INVALID', 'unknown role', { field: '--role', actual: String(role).slice(0, 40), limit: CONSOLE_ROLES.join(' | ') });
  if ([...password].length < MIN_PASSWORD_CHARS) throw new BridgeError('INPUT_INVALID', 'password too short', { field: 'password', actual: [...password].length, limit: MIN_PASSWORD_CHARS, unit: 'characters' });
  const users = readUsers(file).filter((u) => u.name !== name);
  const record: UserRecord = { name, role, password: (await hashPassword(password, params)) as UserRecord['password'], createdAt: new Date().toISOString() };
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ version: 1, users: [...users, record] }, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return record;
}

/** A hash of a password nobody has: an unknown user costs the same time as a known one. */
let decoy: Promise<PasswordHash> | undefined;

/** The user's record when the password is right; undefined otherwise (same work either way). */
export async function authenticate(users: readonly UserRecord[], name: string, password: string): Promise<UserRecord | undefined> {
  const user = users.find((u) => u.name === name);
  if (!user) {
    decoy ??= hashPassword(`decoy-${Math.random()}`);
    await verifyPassword(password, await decoy);
    return undefined;
  }
  return (await verifyPassword(password, user.password)) ? user : undefined;
}
