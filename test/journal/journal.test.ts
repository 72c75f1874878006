import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/journal/crc32.js';
import { Journal, readJournal } from '../../src/journal/journal.js';
import { diskThatFills } from '../helpers/room-with-journal.js';

const tmp = (): string => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-journal-')), 'j.jsonl');

describe('journal', () => {
  it('uses the standard CRC-32 (check value 0xCBF43926)', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
  });

  it('reads back every record in order with increasing sequence numbers', () => {
    const file = tmp();
    const j = Journal.open(file, false);
    j.append('state', { to: 'idle' });
    j.append('mu-checkpoint', { mu1: 1.5 });
    j.close();
    const { entries, tornTail } = readJournal(file);
    expect(tornTail).toBe(false);
    expect(entries.map((e) => [e.seq, e.kind])).toEqual([[1, 'state'], [2, 'mu-checkpoint']]);
  });

  it('continues the sequence after a reopen (append-only)', () => {
    const file = tmp();
    const a = Journal.open(file, false);
    a.append('state', {});
    a.close();
    const b = Journal.open(file, false);
    b.append('state', {});
    b.close();
    expect(readJournal(file).entries.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('detects a torn last line after a crash and keeps every intact record', () => {
    const file = tmp();
    const j = Journal.open(file, true);
    j.append('command', { command: 'BEAM_ON' });
    j.append('mu-checkpoint', { mu1: 10 });
    j.close();
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.slice(0, text.length - 20)); // the crash cut the last write short
    const r = readJournal(file);
    expect(r.tornTail).toBe(true);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0].kind).toBe('command');
  });

  it('reports a corrupted middle line by line number instead of trusting it', () => {
    const file = tmp();
    const j = Journal.open(file, false);
    for (let i = 0; i < 3; i++) j.append('state', { i });
    j.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1].replace('"i":1', '"i":7');
    fs.writeFileSync(file, lines.join('\n'));
    const r = readJournal(file);
    expect(r.corruptLines).toEqual([2]);
    expect(r.entries.map((e) => (e.data as { i: number }).i)).toEqual([0, 2]);
  });

  it('cuts a torn tail off at open, keeps its bytes in a .torn file, continues the sequence past it and journals the repair', () => {
    const file = tmp();
    const j = Journal.open(file, true);
    j.append('command', { command: 'BEAM_ON' });
    j.append('mu-checkpoint', { mu1: 10 });
    j.close();
    const text = fs.readFileSync(file, 'utf8');
    const torn = text.slice(0, text.length - 20);
    fs.writeFileSync(file, torn); // the crash cut record 2 short
    const k = Journal.open(file, true);
    k.append('state', { to: 'idle' });
    k.close();
    const r = readJournal(file);
    expect(r.tornTail).toBe(false);
    expect(r.corruptLines).toEqual([]);
    // record 2 was torn: its number is not reused, the repair comes first, the new record is intact
    expect(r.entries.map((e) => [e.seq, e.kind])).toEqual([[1, 'command'], [3, 'journal'], [4, 'state']]);
    expect(r.entries[1].data).toMatchObject({ event: 'torn-tail-repaired', tornSeq: 2, tornBytes: torn.length - text.indexOf('\n') - 1 });
    expect(fs.readFileSync(`${file}.torn`, 'utf8')).toBe(torn.slice(text.indexOf('\n') + 1));
  });

  it('adds only the newline when a crash cut nothing but the newline of an intact last record', () => {
    const file = tmp();
    const j = Journal.open(file, false);
    j.append('state', { i: 0 });
    j.close();
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, -1));
    const k = Journal.open(file, false);
    k.append('state', { i: 1 });
    k.close();
    expect(readJournal(file).entries.map((e) => [e.seq, e.kind])).toEqual([[1, 'state'], [2, 'state']]);
    expect(fs.existsSync(`${file}.torn`)).toBe(false);
  });

  it('never throws on a full disk: records wait in memory, in order, and are written with a note of the failure once the disk takes writes', () => {
    const file = tmp();
    const io = diskThatFills();
    const j = Journal.open(file, { fsync: true, io });
    const seen: boolean[] = [];
    j.onStatus((s) => seen.push(s.writable));
    j.append('state', { i: 0 });
    io.full = true;
    expect(() => j.append('command', { command: 'HOLD_BEAM' })).not.toThrow();
    j.append('state', { i: 2 });
    expect(j.status()).toMatchObject({ writable: false, pendingRecords: 3, lostRecords: 0 });
    expect(j.status().error).toMatch(/ENOSPC/);
    expect(j.flush()).toBe(false);
    io.full = false;
    expect(j.flush()).toBe(true);
    j.close();
    expect(j.status()).toMatchObject({ writable: true, pendingRecords: 0 });
    expect(seen).toEqual([false, true]);
    const r = readJournal(file);
    expect(r.tornTail).toBe(false);
    expect(r.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(r.entries.map((e) => e.kind)).toEqual(['state', 'command', 'journal', 'state', 'journal']);
    expect(r.entries[2].data).toMatchObject({ event: 'write-failed' });
    expect(r.entries[4].data).toMatchObject({ event: 'writable-again', lostRecords: 0 });
  });

  it('counts the records it had to drop when the memory buffer filled, and says so when writable again', () => {
    const file = tmp();
    const io = diskThatFills();
    io.full = true;
    const j = Journal.open(file, { fsync: false, io, maxPendingRecords: 3 });
    for (let i = 0; i < 6; i++) j.append('state', { i });
    expect(j.status()).toMatchObject({ writable: false, pendingRecords: 3, lostRecords: 4 });
    io.full = false;
    j.flush();
    j.close();
    const kinds = readJournal(file).entries;
    expect(kinds.at(-1)?.data).toMatchObject({ event: 'writable-again', lostRecords: 4 });
  });
});

describe('journal records that cannot be serialised as they are', () => {
  it('appends a value nested 12 000 levels deep without overflowing the stack, cut at the record depth limit', async () => {
    const { MAX_RECORD_DEPTH, CUT_DEPTH } = await import('../../src/journal/bounded-json.js');
    const file = tmp();
    const j = Journal.open(file, false);
    const deep = JSON.parse('['.repeat(12_000) + ']'.repeat(12_000)) as unknown;
    j.append('rejection', { raw: deep });
    j.append('state', { to: 'idle' });
    j.close();
    const { entries } = readJournal(file);
    expect(entries.map((e) => e.kind)).toEqual(['rejection', 'state']);
    let v = (entries[0].data as { raw: unknown }).raw;
    let levels = 0;
    while (Array.isArray(v)) {
      v = v[0];
      levels++;
    }
    expect(v).toBe(CUT_DEPTH);
    expect(levels).toBe(MAX_RECORD_DEPTH - 1); // the data object is one of the levels
  });

  it('cuts a circular reference instead of throwing, and keeps errors and typed arrays as plain JSON', async () => {
    const { CUT_CIRCULAR } = await import('../../src/journal/bounded-json.js');
    const { BridgeError } = await import('../../src/core/bridge-error.js');
    const file = tmp();
    const j = Journal.open(file, false);
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    j.append('notice', { a, e: new BridgeError('INPUT_INVALID', 'bad', { field: 'x' }), t: new Float64Array([1.5, 2]) });
    j.close();
    const d = readJournal(file).entries[0].data as Record<string, any>;
    expect(d.a).toEqual({ name: 'a', self: CUT_CIRCULAR });
    expect(d.e).toMatchObject({ code: 'INPUT_INVALID', field: 'x' });
    expect(d.t).toEqual([1.5, 2]);
  });
});
