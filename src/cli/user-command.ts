/**
 * `linac-bridge user add <name> --role <role> [--users <file>]`: adds a console user (or
 * replaces their password and role). The password is read from stdin, never from the
 * command line (where `ps` and shell history would show it). There is no default account.
 */
import { loadConfig } from '../config/load-config.js';
import { BridgeError } from '../core/bridge-error.js';
import { addUser, MIN_PASSWORD_CHARS } from '../api/users-file.js';
import { usersFileOf } from '../api/start-console.js';
import type { ConsoleRole } from '../bridge/facade/console-commands.js';

export async function userAddCommand(name: string, o: { role: string; users?: string; config?: string }): Promise<number> {
  const file = o.users ?? usersFileOf(loadConfig(o.config));
  if (process.stdin.isTTY) process.stderr.write(`password for ${name} (at least ${MIN_PASSWORD_CHARS} characters), then Enter and Ctrl-D: `);
  const password = (await readAll(process.stdin)).replace(/\r?\n$/, '');
  if (password.includes('\n')) throw new BridgeError('INPUT_INVALID', 'the password is one line', { field: 'password' });
  const user = await addUser(file, name, o.role as ConsoleRole, password);
  process.stdout.write(`user ${user.name} (${user.role}) written to ${file}\n`);
  return 0;
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 4096) reject(new BridgeError('INPUT_INVALID', 'password too long', { field: 'password', limit: 4096, unit: 'bytes' }));
      else chunks.push(c);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}
