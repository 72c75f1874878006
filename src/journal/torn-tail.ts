/**
 * Repairs a journal whose last line a crash left incomplete (or failing its
 * CRC): the bytes after the last intact line are moved to `<file>.torn` and
 * the file is truncated there, so the next record starts on a line of its own.
 * The torn record's sequence number, when legible, is returned so the
 * sequence continues past it instead of reusing it.
 */
import fs from 'node:fs';
import { crc32 } from './crc32.js';

export interface TornTailRepair {
  readonly tornBytes: number;
  readonly tornFile: string;
  /** Offset at which the file was truncated, bytes. */
  readonly truncatedAt: number;
  readonly tornSeq?: number;
}

/** Whether one line (without its newline) is an intact record: body, a tab, its CRC-32 in hex. */
export function intactLine(line: string): boolean {
  const tab = line.lastIndexOf('\t');
  return tab > 0 && crc32(line.slice(0, tab)).toString(16).padStart(8, '0') === line.slice(tab + 1);
}

/** Returns what it repaired, or undefined when the tail was intact. */
export function repairTornTail(file: string): TornTailRepair | undefined {
  const buf = fs.readFileSync(file);
  if (buf.length === 0) return undefined;
  const endsWithNewline = buf[buf.length - 1] === 0x0a;
  // start of the last line (its newline, if any, excluded)
  const lastNl = buf.lastIndexOf(0x0a, endsWithNewline ? buf.length - 2 : buf.length - 1);
  const start = lastNl + 1;
  const lastLine = buf.subarray(start, endsWithNewline ? buf.length - 1 : buf.length).toString('utf8');
  if (intactLine(lastLine)) {
    if (!endsWithNewline) fs.appendFileSync(file, '\n'); // the crash cut only the newline
    return undefined;
  }
  const tail = buf.subarray(start);
  const tornFile = `${file}.torn`;
  fs.appendFileSync(tornFile, tail);
  fs.truncateSync(file, start);
  const m = /^\{"seq":(\d+)/.exec(tail.toString('utf8'));
  return { tornBytes: tail.length, tornFile, truncatedAt: start, tornSeq: m ? Number(m[1]) : undefined };
}
