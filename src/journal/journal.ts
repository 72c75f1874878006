/**
 * Append-only, crash-safe journal: one JSON record per line, each with a
 * sequence number and a CRC-32 of its body, written with a synchronous write
 * before the caller continues (a crash of the process loses nothing written).
 * With fsync configured, records are made durable by fsync OFF the event loop
 * (libuv's thread pool, one fsync in flight covering every record written
 * before it: group commit), because a synchronous fsync stalls the loop that
 * polls the devices for as long as the disk takes (107 ms measured, see
 * docs/timing.md). A record not yet durable is kept in memory until its fsync
 * succeeds; a failed fsync cuts the file back to the last durable record and
 * writes the rest again. An fsync in flight longer than `maxSyncLagMs` makes
 * the journal report itself unwritable, like a failed write. A torn last line
 * after a crash is cut off at open (its bytes kept in a `.torn` file) and the
 * repair journaled; the sequence continues past it.
 *
 * `append` never throws: a record that cannot be written (a full disk, an I/O
 * error) stays in memory, in order, and is written as soon as the file takes
 * writes again. While anything is pending the journal reports itself
 * unwritable (`status()`), which the session turns into an interlock.
 */
import fs from 'node:fs';
import path from 'node:path';
import { boundedForJson } from './bounded-json.js';
import { crc32 } from './crc32.js';
import { intactLine, repairTornTail } from './torn-tail.js';

export type JournalKind = 'session' | 'state' | 'command' | 'command-result' | 'device-event' | 'mu-checkpoint' | 'registration' | 'rejection' | 'operator' | 'notice' | 'record' | 'journal' | 'loop-lag';

export interface JournalEntry {
  readonly seq: number;
  readonly atIso: string;
  readonly monoMs: number;
  readonly kind: JournalKind;
  readonly data: unknown;
}

export interface JournalStatus {
  /** Every record so far is on disk. */
  readonly writable: boolean;
  /** Records held in memory, waiting for the file to take writes. */
  readonly pendingRecords: number;
  /** Records dropped because the memory buffer was full. */
  readonly lostRecords: number;
  readonly error?: string;
}

export interface JournalSink {
  append(kind: JournalKind, data: unknown): void;
  /** Whether records reach stable storage; sinks without it are taken as writable. */
  status?(): JournalStatus;
  /** Retries writing what is pending; true when everything is on disk. */
  flush?(): boolean;
}

/** The file operations the journal uses (a test injects ENOSPC through these). */
export interface JournalIo {
  writeSync(fd: number, data: Uint8Array): number;
  fsyncSync(fd: number): void;
  ftruncateSync(fd: number, len: number): void;
  /** fsync off the event loop; without it the journal fsyncs synchronously after every record. */
  fsync?(fd: number, done: (err: NodeJS.ErrnoException | null) => void): void;
}

export interface JournalOptions {
  readonly fsync?: boolean;
  /** Records kept in memory while the file cannot be written; beyond, they are counted as lost. */
  readonly maxPendingRecords?: number;
  readonly io?: JournalIo;
  /** An fsync in flight longer than this makes the journal unwritable (IL-JOURNAL-UNAVAILABLE), ms. */
  readonly maxSyncLagMs?: number;
  /** Monotonic time for the sync lag (tests inject it), ms. */
  readonly nowMs?: () => number;
}

export class Journal implements JournalSink {
  private readonly fd: number;
  private seq: number;
  private offset: number;
  private readonly pending: string[] = [];
  private lost = 0;
  /** After close the descriptor is not ours: nothing more is written through it. */
  private closed = false;
  private lostAfterClose = 0;
  private lastError: string | undefined;
  private failedSince: string | undefined;
  private readonly listeners: Array<(s: JournalStatus) => void> = [];
  private readonly io: JournalIo;
  private readonly fsyncEach: boolean;
  private readonly maxPending: number;
  private readonly maxSyncLagMs: number;
  /** Lines written but not yet covered by a successful fsync, with the offset the first one starts at. */
  private unsynced: string[] = [];
  private durableOffset: number;
  private syncStartedMs: number | undefined;
  private notifiedWritable = true;
  private readonly nowMs: () => number;

  private constructor(readonly file: string, nextSeq: number, opts: JournalOptions) {
    this.fd = fs.openSync(file, 'a');
    this.offset = fs.fstatSync(this.fd).size;
    this.seq = nextSeq;
    this.io = opts.io ?? fs;
    this.fsyncEach = opts.fsync ?? true;
    this.maxPending = opts.maxPendingRecords ?? 100_000;
    this.maxSyncLagMs = opts.maxSyncLagMs ?? 1000;
    this.durableOffset = this.offset;
    this.nowMs = opts.nowMs ?? (() => performance.now());
  }

  /**
   * Opens (or creates) a journal file, continuing its sequence numbers. A torn
   * tail is cut off first (kept in `<file>.torn`) and the repair is the first
   * record written.
   */
  static open(file: string, fsyncOrOptions: boolean | JournalOptions = true): Journal {
    const opts = typeof fsyncOrOptions === 'boolean' ? { fsync: fsyncOrOptions } : fsyncOrOptions;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const repair = fs.existsSync(file) ? repairTornTail(file) : undefined;
    const existing = fs.existsSync(file) ? readJournal(file) : { entries: [] };
    const last = existing.entries[existing.entries.length - 1];
    const nextSeq = Math.max(last ? last.seq + 1 : 1, repair?.tornSeq !== undefined ? repair.tornSeq + 1 : 1);
    const j = new Journal(file, nextSeq, opts);
    if (repair) j.append('journal', { event: 'torn-tail-repaired', ...repair });
    return j;
  }

  append(kind: JournalKind, data: unknown): void {
    if (this.closed) {
      // the descriptor may already belong to another file: a record after close is lost, and counted
      this.lost++;
      this.lostAfterClose++;
      this.lastError = 'record appended after the journal was closed';
      return;
    }
    let body: string;
    try {
      // bounded copy: no record, however deep or circular, can make stringify recurse past MAX_RECORD_DEPTH
      body = JSON.stringify({ seq: this.seq, atIso: new Date().toISOString(), monoMs: Math.round(performance.now() * 1000) / 1000, kind, data: boundedForJson(data) });
    } catch (e) {
      body = JSON.stringify({ seq: this.seq, atIso: new Date().toISOString(), monoMs: Math.round(performance.now() * 1000) / 1000, kind, data: { unserialisable: String(e) } });
    }
    this.seq++;
    if (this.pending.length >= this.maxPending) this.lost++;
    else this.pending.push(`${body}\t${crc32(body).toString(16).padStart(8, '0')}\n`);
    this.flush();
  }

  /** Writes what is pending; true when everything is on disk. Call it periodically while unwritable. */
  flush(): boolean {
    if (this.closed) return this.pending.length === 0 && this.lostAfterClose === 0;
    const wasWritable = this.failedSince === undefined;
    while (this.pending.length > 0) {
      if (!this.writeLine(this.pending[0])) {
        if (wasWritable) this.notify();
        return false;
      }
      this.pending.shift();
    }
    if (!wasWritable) this.recovered();
    return true;
  }

  status(): JournalStatus {
    const lagging = this.syncStartedMs !== undefined && this.nowMs() - this.syncStartedMs > this.maxSyncLagMs;
    return {
      writable: this.pending.length === 0 && this.failedSince === undefined && !lagging && this.lostAfterClose === 0,
      pendingRecords: this.pending.length + this.unsynced.length,
      lostRecords: this.lost,
      error: lagging ? `fsync in flight for more than ${this.maxSyncLagMs} ms` : this.lastError,
    };
  }

  /** Called on every change between writable and unwritable. */
  onStatus(fn: (s: JournalStatus) => void): void {
    this.listeners.push(fn);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true; // an fsync still in flight is superseded by the one below
    try {
      this.io.fsyncSync(this.fd);
    } finally {
      fs.closeSync(this.fd);
    }
  }

  private writeLine(line: string): boolean {
    const bytes = Buffer.from(line, 'utf8');
    try {
      let done = 0;
      while (done < bytes.length) done += this.io.writeSync(this.fd, bytes.subarray(done));
      if (this.fsyncEach && !this.io.fsync) this.io.fsyncSync(this.fd);
      this.offset += bytes.length;
      if (this.fsyncEach && this.io.fsync) {
        this.unsynced.push(line);
        this.syncSoon();
      } else this.durableOffset = this.offset;
      return true;
    } catch (e) {
      // never leave a partial line for the next record to be glued to
      try {
        this.io.ftruncateSync(this.fd, this.offset);
      } catch {
        /* the next open repairs a torn tail */
      }
      this.lastError = e instanceof Error ? e.message : String(e);
      if (this.failedSince === undefined) {
        this.failedSince = new Date().toISOString();
        // the failure itself is recorded as soon as anything can be
        const body = JSON.stringify({ seq: this.seq, atIso: this.failedSince, monoMs: Math.round(performance.now() * 1000) / 1000, kind: 'journal', data: { event: 'write-failed', error: this.lastError } });
        this.seq++;
        this.pending.push(`${body}\t${crc32(body).toString(16).padStart(8, '0')}\n`);
      }
      return false;
    }
  }

  /** One fsync in flight at a time; it covers every line written before it started. */
  private syncSoon(): void {
    if (this.syncStartedMs !== undefined || this.closed || !this.io.fsync) return;
    const covered = this.unsynced.length;
    const endOffset = this.offset;
    this.syncStartedMs = this.nowMs();
    this.io.fsync(this.fd, (err) => {
      this.syncStartedMs = undefined;
      if (this.closed) return;
      if (err) return this.syncFailed(err);
      this.unsynced.splice(0, covered);
      this.durableOffset = endOffset;
      if (this.unsynced.length > 0) this.syncSoon();
      else this.notify(); // durable again after a lag
    });
  }

  /** The disk refused to make lines durable: cut back to the last durable one and write the rest again. */
  private syncFailed(err: Error): void {
    try {
      this.io.ftruncateSync(this.fd, this.durableOffset);
      this.offset = this.durableOffset;
    } catch {
      /* the next open repairs a torn tail */
    }
    this.pending.unshift(...this.unsynced);
    this.unsynced = [];
    this.lastError = err.message;
    const wasWritable = this.failedSince === undefined;
    this.failedSince ??= new Date().toISOString();
    if (wasWritable) this.notify();
  }

  private recovered(): void {
    const since = this.failedSince;
    this.failedSince = undefined;
    const lost = this.lost;
    this.append('journal', { event: 'writable-again', failedSince: since, lostRecords: lost, error: this.lastError });
    this.notify();
  }

  /** Tells the listeners when writability changed since they last heard. */
  private notify(): void {
    const s = this.status();
    if (s.writable === this.notifiedWritable) return;
    this.notifiedWritable = s.writable;
    for (const fn of this.listeners) fn(s);
  }
}

/** Reads every intact record; `tornTail` is true when the last line is incomplete or fails its CRC. */
export function readJournal(file: string): { entries: JournalEntry[]; tornTail: boolean; corruptLines: number[] } {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const entries: JournalEntry[] = [];
  const corruptLines: number[] = [];
  let tornTail = false;
  const lastIndex = lines[lines.length - 1] === '' ? lines.length - 2 : lines.length - 1;
  lines.forEach((line, i) => {
    if (line === '') return;
    if (!intactLine(line)) {
      if (i === lastIndex) tornTail = true;
      else corruptLines.push(i + 1);
      return;
    }
    entries.push(JSON.parse(line.slice(0, line.lastIndexOf('\t'))) as JournalEntry);
  });
  return { entries, tornTail, corruptLines };
}

/** A journal that keeps records in memory (tests, dry runs). */
export class MemoryJournal implements JournalSink {
  readonly entries: Array<{ kind: JournalKind; data: unknown }> = [];
  append(kind: JournalKind, data: unknown): void {
    this.entries.push({ kind, data: JSON.parse(JSON.stringify(boundedForJson(data)) ?? 'null') as unknown });
  }
  ofKind(kind: JournalKind): unknown[] {
    return this.entries.filter((e) => e.kind === kind).map((e) => e.data);
  }
}
