/** Which journal's latches a new session carries: the room's latest journal with states, when it ended in fault. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { carriedLatches } from '../../src/bridge/latch-carryover.js';
import { Journal } from '../../src/journal/journal.js';

function journalWith(dir: string, name: string, states: Array<{ to: string; latchedFaults?: string[]; faultReason?: string }>): string {
  const j = Journal.open(path.join(dir, name), false);
  j.append('session', { event: 'start' });
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
