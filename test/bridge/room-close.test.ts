import { afterEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/journal/journal.js';
import { startRoom } from '../helpers/embedded.js';

describe('closing the room', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c().catch(() => undefined);
  });

  it('journals the result of every command still in flight before it closes the journal: nothing is counted lost', async () => {
    const e = await startRoom();
    closers.push(() => e.close());
    e.room.beamHost.faults.silent = true; // the terminate below waits for a reply that never comes
    e.session.send({ type: 'ABORT', operator: 'test-operator' });
    closers.length = 0;
    await e.close();
    expect(e.journal.status().lostRecords).toBe(0);
    const entries = readJournal(e.journal.file).entries;
    const results = entries.filter((x) => x.kind === 'command-result').map((x) => (x.data as { command: string }).command);
    expect(results).toContain('TERMINATE_BEAM'); // it failed (link closed or timed out), and that failure is on record
    expect(entries[entries.length - 1].kind).not.toBe('session'); // the results come after session stop, inside the file
  });
});
