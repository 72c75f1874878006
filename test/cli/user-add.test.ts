import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/cli-process.js';
import { configInTmp } from '../helpers/config-in-tmp.js';

const userAdd = (args: string[], input: string) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'user', 'add', ...args], { cwd: root, input, encoding: 'utf8' });

describe('linac-bridge user add', () => {
  it('writes a scrypt hash with a salt (never the password) to the users file, readable by its owner only', () => {
    const { dir } = configInTmp('lb-user-');
    const file = path.join(dir, 'users.json');
    const r = userAdd(['rtt', '--role', 'therapist', '--users', file], 'a long enough password\n');
    expect(r.status, r.stderr).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('a long enough password');
    const u = JSON.parse(text).users[0];
    expect(u).toMatchObject({ name: 'rtt', role: 'therapist', password: { kdf: 'scrypt', params: { N: 32768, r: 8, p: 1 } } });
    expect(Buffer.from(u.password.salt, 'base64')).toHaveLength(16);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
  });

  it('refuses a short password and an unknown role (exit 2, field named) and writes nothing', () => {
    const { dir } = configInTmp('lb-user-');
    const file = path.join(dir, 'users.json');
    const short = userAdd(['rtt', '--role', 'therapist', '--users', file], 'short\n');
    expect([short.status, short.stderr]).toEqual([2, expect.stringMatching(/\[INPUT_INVALID\] password = 5 characters: password too short \(limit 12 characters\)/)]);
    const role = userAdd(['rtt', '--role', 'admin', '--users', file], 'a long enough password\n');
    expect([role.status, role.stderr]).toEqual([2, expect.stringMatching(/--role.*unknown role/)]);
    expect(fs.existsSync(file)).toBe(false);
  });
});
