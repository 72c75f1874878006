/** The last records of the session's journal, summarised for a console (the journal file is the record). */
import type { RecordedEntry } from '../bridge-session.js';

export interface TailEntry {
  readonly seq: number;
  /** Wall-clock time, ISO 8601. */
  readonly at: string;
  readonly kind: string;
  readonly summary: string;
}

const KEEP = 50;
const SUMMARY_CHARS = 200;

export class JournalTail {
  private readonly items: TailEntry[] = [];
  private seq = 0;

  push(e: RecordedEntry, nowIso: string): void {
    this.items.push({ seq: ++this.seq, at: nowIso, kind: e.kind, summary: summarise(e.data) });
    if (this.items.length > KEEP) this.items.shift();
  }

  list(): readonly TailEntry[] {
    return this.items;
  }
}

/** A one-line summary: the record's JSON, cut short (records are bounded before they are journaled). */
function summarise(data: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(data, (_k, v: unknown) => (Array.isArray(v) && v.length > 8 ? `[${v.length} items]` : v)) ?? String(data);
  } catch {
    text = String(data);
  }
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text;
}
