/** Reads a file named on the command line; a missing or unreadable file is bad input (exit 2), not a stack trace. */
import fs from 'node:fs';
import { BridgeError } from '../core/bridge-error.js';
import { tooLarge } from '../core/json-limits.js';

/** `maxBytes`: refuse by the directory entry's size, before reading (a plan's JSON limit, say). */
export function readInput(file: string, what: string, maxBytes?: number): string {
  try {
    const size = fs.statSync(file).size;
    if (maxBytes !== undefined && size > maxBytes) throw tooLarge(file, size, { maxBytes, maxDepth: 0 });
    return fs.readFileSync(file, 'utf8');
  } catch (cause) {
    if (cause instanceof BridgeError) throw cause;
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    throw new BridgeError('INPUT_INVALID', `cannot read the ${what}: ${reason}`, { field: file, cause });
  }
}
