/** Which journal's latches a new session carries: the room's latest journal with states, when it ended in fault. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { carriedLatches } from '../../src/bridge/latch-carryover.js';
import { startEmbeddedRoom } from '../../src/cli/embedded-room.js';
import type { LoadedConfig } from '../../src/config/load-config.js';
import { journalOrdinal, nextRoomOrdinal } from '../../src/bridge/room-ordinal.js';
import { crc32 } from '../../src/journal/crc32.js';
import { Journal, readJournal } from '../../src/journal/journal.js';
import { testConfig } from '../helpers/sim-fixtures.js';

function journalWith(dir: string, name: string, states: Array<{ to: string; latchedFaults?: string[]; faultReason?: string }>, roomOrdinal?: number): string {
  const j = Journal.open(path.join(dir, name), false);
  j.append('session', { event: 'start', roomOrdinal });
  let from: string | null = null;
  for (const s of states) {
    j.append('state', { from, latchedFaults: [], ...s });
    from = s.to;
  }
  j.close();
  return j.file;
}

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'lb-latch-'));

describe('latches carried over a restart', () => {
  it('come from a journal whose last state is fault, with its latched ids and fault reason', () => {
    const dir = tmp();
    const file = journalWith(dir, 'a.jsonl', [{ to: 'idle' }, { to: 'ready' }, { to: 'fault', latchedFaults: ['IL-EMERGENCY-STOP'], faultReason: 'latched: IL-EMERGENCY-STOP' }]);
    expect(carriedLatches(dir)).toEqual({ journal: file, ids: ['IL-EMERGENCY-STOP'], faultReason: 'latched: IL-EMERGENCY-STOP' });
  });

  it('are none when the fault was cleared by a RESET (aborted), or the session ended normally', () => {
    const dir = tmp();
    journalWith(dir, 'a.jsonl', [{ to: 'idle' }, { to: 'fault', latchedFaults: ['IL-DOOR-OPEN'] }, { to: 'aborted' }]);
    expect(carriedLatches(dir)).toBeUndefined();
    const normal = tmp();
    journalWith(normal, 'b.jsonl', [{ to: 'idle' }, { to: 'beamOn' }, { to: 'fractionComplete' }]);
    expect(carriedLatches(normal)).toBeUndefined();
    expect(carriedLatches(path.join(normal, 'absent'))).toBeUndefined();
  });

  it('come only from the latest journal: a later normal session after a faulted one carries nothing', () => {
    const dir = tmp();
    journalWith(dir, 'a.jsonl', [{ to: 'idle' }, { to: 'fault', latchedFaults: ['IL-DOOR-OPEN'] }]);
    // same or later time stamp: a tie goes to the later file name
    journalWith(dir, 'b.jsonl', [{ to: 'idle' }, { to: 'fractionComplete' }]);
    expect(carriedLatches(dir)).toBeUndefined();
  });

  it('skip journals with no state record (a resume that only closed a fraction)', () => {
    const dir = tmp();
    const file = journalWith(dir, 'a.jsonl', [{ to: 'fault', latchedFaults: ['IL-UNEXPECTED-BEAM'] }]);
    journalWith(dir, 'z.jsonl', []);
    expect(carriedLatches(dir)?.journal).toBe(file);
  });
});

/** Rewrites every record's wall-clock stamp (the CRC covers the body, so each line is re-sealed). */
function stampAll(file: string, atIso: string): void {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    const body = JSON.stringify({ ...JSON.parse(l.slice(0, l.lastIndexOf('\t'))), atIso });
    return `${body}\t${crc32(body).toString(16).padStart(8, '0')}`;
  });
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('latches carried over a restart when the wall clock stepped backwards', () => {
  it('come from the session with the highest room ordinal, though its time stamps are older (a reset real-time clock)', () => {
    const dir = tmp();
    const before = journalWith(dir, 'bridge-2026-11-26.jsonl', [{ to: 'idle' }, { to: 'fractionComplete' }], 1);
    stampAll(before, '2026-11-26T10:00:00.000Z');
    // the next session ran after the clock fell back to 2000 and ended latched
    const after = journalWith(dir, 'bridge-2000-01-01.jsonl', [{ to: 'idle' }, { to: 'fault', latchedFaults: ['IL-EMERGENCY-STOP'] }], 2);
    stampAll(after, '2000-01-01T00:05:00.000Z');
    expect(readJournal(after).corruptLines).toEqual([]);
    expect(carriedLatches(dir)).toMatchObject({ journal: after, ids: ['IL-EMERGENCY-STOP'] });
  });

  it('rank journals written before ordinals existed below any with one', () => {
    const dir = tmp();
    const legacy = journalWith(dir, 'z-legacy.jsonl', [{ to: 'fault', latchedFaults: ['IL-DOOR-OPEN'] }]);
    stampAll(legacy, '2030-01-01T00:00:00.000Z');
    journalWith(dir, 'a.jsonl', [{ to: 'idle' }], 1);
    expect(carriedLatches(dir)).toBeUndefined();
  });
});

describe('room ordinals', () => {
  it('count the sessions of a room: 1 for a new room, then one more than the highest journaled, whatever the names and clocks', () => {
    const dir = tmp();
    expect(nextRoomOrdinal(path.join(dir, 'absent'))).toBe(1);
    expect(nextRoomOrdinal(dir)).toBe(1);
    journalWith(dir, 'zz.jsonl', [{ to: 'idle' }], 7);
    journalWith(dir, 'aa.jsonl', [{ to: 'idle' }], 3);
    journalWith(dir, 'legacy.jsonl', [{ to: 'idle' }]);
    fs.writeFileSync(path.join(dir, 'garbage.jsonl'), '\u0000not json\n');
    expect(nextRoomOrdinal(dir)).toBe(8);
  });

  it('are journaled with the start of every session the room assembles', async () => {
    const dir = tmp();
    const files: string[] = [];
    for (const name of ['b.jsonl', 'a.jsonl']) {
      const cfg: LoadedConfig = { ...testConfig, bridge: { ...testConfig.bridge, journal: { dir, fsync: false } } };
      const e = await startEmbeddedRoom(cfg, { timeScale: 5, journalName: name });
      files.push(e.journal.file);
      await e.close();
    }
    expect(files.map((f) => journalOrdinal(readJournal(f).entries))).toEqual([1, 2]);
  });
});
