/**
 * A record that arrives after the journal is closed (the result of a command
 * still in flight when the room shut down) must not be written through the
 * old file descriptor: the number may already belong to another file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, readJournal } from '../../src/journal/journal.js';

const tmp = (): string => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-journal-closed-')), 'j.jsonl');

describe('journal after close', () => {
  it('writes nothing into a file that reuses the closed journal\'s descriptor, and counts the late record as lost', () => {
    const first = Journal.open(tmp(), false);
    first.append('state', { to: 'idle' });
    first.close();
    const secondFile = tmp();
    const second = Journal.open(secondFile, false); // the lowest free descriptor: usually the one just closed
    second.append('state', { to: 'idle' });
    first.append('command-result', { command: 'STOP_MLC', late: true });
    second.append('state', { to: 'setup' });
    second.close();
    const { entries } = readJournal(secondFile);
    expect(entries.map((e) => [e.seq, (e.data as { to?: string }).to])).toEqual([[1, 'idle'], [2, 'setup']]);
    expect(first.status()).toMatchObject({ writable: false, lostRecords: 1 });
  });

  it('stays writable after a clean close, and reports itself unwritable once a record arrives too late', () => {
    const j = Journal.open(tmp(), false);
    j.append('state', { to: 'idle' });
    j.close();
    expect(j.status()).toMatchObject({ writable: true, lostRecords: 0 });
    expect(j.flush()).toBe(true);
    j.append('command-result', { late: true });
    expect(j.status()).toMatchObject({ writable: false, pendingRecords: 0, lostRecords: 1 });
    expect(j.flush()).toBe(false);
  });
});
