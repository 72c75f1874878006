import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, readJournal, type JournalIo } from '../../src/journal/journal.js';

/** Real writes; fsyncs are held until the test completes them (as a slow disk would). */
function diskWithHeldSyncs(): JournalIo & { held: Array<(err: NodeJS.ErrnoException | null) => void>; syncSyncCalls: number } {
  const io = {
    held: [] as Array<(err: NodeJS.ErrnoException | null) => void>,
    syncSyncCalls: 0,
    writeSync: (fd: number, data: Uint8Array): number => fs.writeSync(fd, data),
    fsyncSync: (fd: number): void => {
      io.syncSyncCalls++;
      fs.fsyncSync(fd);
    },
    ftruncateSync: (fd: number, len: number): void => fs.ftruncateSync(fd, len),
    fsync: (_fd: number, done: (err: NodeJS.ErrnoException | null) => void): void => void io.held.push(done),
  };
  return io;
}

const tmp = (): string => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-journal-')), 'j.jsonl');
const eio = (): NodeJS.ErrnoException => Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });

describe('journal durability off the event loop', () => {
  it('writes a record before append returns and never fsyncs on the caller\'s thread', () => {
    const io = diskWithHeldSyncs();
    const file = tmp();
    const j = Journal.open(file, { fsync: true, io });
    j.append('state', { to: 'idle' });
    expect(readJournal(file).entries.map((e) => e.kind)).toEqual(['state']);
    expect(io.syncSyncCalls).toBe(0);
    expect(io.held).toHaveLength(1);
    expect(j.status()).toMatchObject({ writable: true, pendingRecords: 1 });
    io.held.shift()!(null);
    expect(j.status()).toMatchObject({ writable: true, pendingRecords: 0 });
  });

  it('covers every record written while an fsync is in flight with one more fsync (group commit)', () => {
    const io = diskWithHeldSyncs();
    const j = Journal.open(tmp(), { fsync: true, io });
    j.append('state', { to: 'a' });
    j.append('state', { to: 'b' });
    j.append('state', { to: 'c' });
    expect(io.held).toHaveLength(1);
    io.held.shift()!(null);
    expect(io.held).toHaveLength(1);
    expect(j.status().pendingRecords).toBe(2);
    io.held.shift()!(null);
    expect(io.held).toHaveLength(0);
    expect(j.status().pendingRecords).toBe(0);
  });

  it('after a failed fsync is unwritable, cuts back to the last durable record and writes the rest again exactly once', () => {
    const io = diskWithHeldSyncs();
    const file = tmp();
    const j = Journal.open(file, { fsync: true, io });
    const seen: boolean[] = [];
    j.onStatus((s) => seen.push(s.writable));
    j.append('state', { to: 'a' });
    io.held.shift()!(null);
    j.append('state', { to: 'b' });
    j.append('state', { to: 'c' });
    io.held.shift()!(eio());
    expect(j.status()).toMatchObject({ writable: false, pendingRecords: 2 });
    expect(readJournal(file).entries.map((e) => e.seq)).toEqual([1]);
    expect(j.flush()).toBe(true);
    io.held.shift()!(null);
    expect(j.status().writable).toBe(true);
    const seqs = readJournal(file).entries.map((e) => e.seq);
    expect(seqs.slice(0, 3)).toEqual([1, 2, 3]);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seen).toEqual([false, true]);
  });

  it('reports itself unwritable while an fsync has been in flight longer than maxSyncLagMs, and writable once it completes', () => {
    const io = diskWithHeldSyncs();
    let nowMs = 0;
    const j = Journal.open(tmp(), { fsync: true, io, maxSyncLagMs: 1000, nowMs: () => nowMs });
    j.append('state', { to: 'a' });
    nowMs = 1000;
    expect(j.status().writable).toBe(true);
    nowMs = 1001;
    expect(j.status()).toMatchObject({ writable: false });
    io.held.shift()!(null);
    expect(j.status().writable).toBe(true);
  });

  it('closes with everything durable even while an fsync is still in flight', () => {
    const io = diskWithHeldSyncs();
    const file = tmp();
    const j = Journal.open(file, { fsync: true, io });
    j.append('state', { to: 'a' });
    j.close();
    expect(io.syncSyncCalls).toBe(1);
    expect(() => io.held.shift()!(null)).not.toThrow();
    expect(readJournal(file).entries).toHaveLength(1);
  });
});
