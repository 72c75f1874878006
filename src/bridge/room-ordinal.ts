/**
 * The order of a room's sessions without the wall clock: each session's `session start` record
 * carries `roomOrdinal`, one more than the highest ordinal among the journals already in the room's
 * journal folder. Latch carry-over picks the latest session by this ordinal, because the wall clock
 * of a control computer can step backwards (an NTP correction, a reset real-time clock) and a
 * session that ended latched must not look older than the one before it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { JournalEntry } from '../journal/journal.js';

/** Bytes read from the head of each journal: the `session start` record is among the first few. */
const HEAD_BYTES = 64 * 1024;

/** The ordinal a journal's session started with, when it recorded one. */
export function journalOrdinal(entries: readonly Pick<JournalEntry, 'kind' | 'data'>[]): number | undefined {
  for (const e of entries) {
    const d = e.data as { event?: string; roomOrdinal?: unknown } | null;
    if (e.kind === 'session' && d?.event === 'start') return Number.isSafeInteger(d.roomOrdinal) && (d.roomOrdinal as number) > 0 ? (d.roomOrdinal as number) : undefined;
  }
  return undefined;
}

/** The ordinal the next session of the room takes: 1 + the highest found in `dir` (1 for a new room). */
export function nextRoomOrdinal(dir: string): number {
  if (!fs.existsSync(dir)) return 1;
  let max = 0;
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
    const ordinal = headOrdinal(path.join(dir, name));
    if (ordinal !== undefined && ordinal > max) max = ordinal;
  }
  return max + 1;
}

function headOrdinal(file: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = fs.readSync(fd, buf, 0, HEAD_BYTES, 0);
    const lines = buf.subarray(0, n).toString('utf8').split('\n').slice(0, -1); // the last piece may be cut
    const entries: Pick<JournalEntry, 'kind' | 'data'>[] = [];
    for (const line of lines) {
      const tab = line.lastIndexOf('\t');
      try {
        entries.push(JSON.parse(tab > 0 ? line.slice(0, tab) : line) as JournalEntry);
      } catch {
        /* a corrupt line: the journal reader reports it; the ordinal is in another line */
      }
    }
    return journalOrdinal(entries);
  } catch {
    return undefined; // unreadable: not a journal of ours
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
