/**
 * Latched interlocks survive a restart: at start, the latest journal of the
 * room (the journal folder) that recorded session states is read — latest by
 * the session's room ordinal (room-ordinal.ts), not the wall clock; journals
 * written before ordinals existed rank below those with one, by time — when its
 * last state is `fault` (the session ended, or was cut off, latched and not
 * cleared by a RESET, which leaves fault for aborted or idle), its latches are
 * carried into the new session, which starts in fault until an operator RESET.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readJournal } from '../journal/journal.js';
import type { InterlockId } from '../interlock/interlock-catalogue.js';
import { journalOrdinal } from './room-ordinal.js';

export interface CarriedLatches {
  /** The journal whose session ended latched. */
  readonly journal: string;
  readonly ids: readonly InterlockId[];
  readonly faultReason?: string;
}

interface StateData {
  readonly to?: string;
  readonly latchedFaults?: readonly InterlockId[];
  readonly faultReason?: string;
}

/** The latches carried from the latest journal in `dir` with state records, or undefined when it did not end in fault. */
export function carriedLatches(dir: string): CarriedLatches | undefined {
  if (!fs.existsSync(dir)) return undefined;
  let latest: { file: string; ordinal: number; atIso: string; state: StateData } | undefined;
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
    const file = path.join(dir, name);
    let entries: ReturnType<typeof readJournal>['entries'];
    try {
      entries = readJournal(file).entries;
    } catch {
      continue; // unreadable: not a journal of ours
    }
    const last = entries.filter((e) => e.kind === 'state').pop();
    if (!last) continue;
    // the higher room ordinal wins; without ordinals the later last state, a tie to the later file name
    const ordinal = journalOrdinal(entries) ?? 0;
    const later = !latest || ordinal > latest.ordinal || (ordinal === latest.ordinal && (last.atIso > latest.atIso || (last.atIso === latest.atIso && name > path.basename(latest.file))));
    if (later) latest = { file, ordinal, atIso: last.atIso, state: last.data as StateData };
  }
  if (!latest || latest.state.to !== 'fault') return undefined;
  return { journal: latest.file, ids: [...(latest.state.latchedFaults ?? [])], faultReason: latest.state.faultReason };
}
