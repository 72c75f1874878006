/**
 * Append-only, crash-safe journal: one JSON record per line, each with a
 * sequence number and a CRC-32 of its body, written with a synchronous write
 * (and fsync when configured) before the caller continues. A torn last line
 * after a crash is detected by the reader and reported, never misread.
 */
import fs from 'node:fs';
import path from 'node:path';
import { boundedForJson } from './bounded-json.js';
import { crc32 } from './crc32.js';

export type JournalKind = 'session' | 'state' | 'command' | 'command-result' | 'device-event' | 'mu-checkpoint' | 'registration' | 'rejection' | 'operator' | 'notice' | 'record';

export interface JournalEntry {
  readonly seq: number;
  readonly atIso: string;
  readonly monoMs: number;
  readonly kind: JournalKind;
  readonly data: unknown;
}

export interface JournalSink {
  append(kind: JournalKind, data: unknown): void;
}

export class Journal implements JournalSink {
  private fd: number;
  private seq: number;

  private constructor(readonly file: string, private readonly fsyncEach: boolean, nextSeq: number) {
    this.fd = fs.openSync(file, 'a');
    this.seq = nextSeq;
  }

  /** Opens (or creates) a journal file, continuing its sequence numbers. */
  static open(file: string, fsyncEach = true): Journal {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const existing = fs.existsSync(file) ? readJournal(file) : { entries: [], tornTail: false };
    const last = existing.entries[existing.entries.length - 1];
    return new Journal(file, fsyncEach, last ? last.seq + 1 : 1);
  }

  append(kind: JournalKind, data: unknown): void {
    // bounded copy: no record, however deep or circular, can make stringify recurse past MAX_RECORD_DEPTH
    const body = JSON.stringify({ seq: this.seq, atIso: new Date().toISOString(), monoMs: Math.round(performance.now() * 1000) / 1000, kind, data: boundedForJson(data) });
    fs.writeSync(this.fd, `${body}\t${crc32(body).toString(16).padStart(8, '0')}\n`);
    if (this.fsyncEach) fs.fsyncSync(this.fd);
    this.seq++;
  }

  close(): void {
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
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
    const tab = line.lastIndexOf('\t');
    const body = tab > 0 ? line.slice(0, tab) : '';
    const ok = tab > 0 && crc32(body).toString(16).padStart(8, '0') === line.slice(tab + 1);
    if (!ok) {
      if (i === lastIndex) tornTail = true;
      else corruptLines.push(i + 1);
      return;
    }
    entries.push(JSON.parse(body) as JournalEntry);
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
