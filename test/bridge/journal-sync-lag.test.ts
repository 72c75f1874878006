import { describe, expect, it } from 'vitest';
import { BridgeSession } from '../../src/bridge/bridge-session.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryJournal, type JournalStatus } from '../../src/journal/journal.js';
import { FakeRoom } from '../helpers/fake-room.js';
import { config } from '../helpers/session-harness.js';

/** A sink whose durability the test sets, as a journal whose fsync hangs reports it. */
class SinkWithStatus extends MemoryJournal {
  current: JournalStatus = { writable: true, pendingRecords: 0, lostRecords: 0 };
  status(): JournalStatus {
    return this.current;
  }
}

describe('a journal whose fsync hangs', () => {
  it('becomes IL-JOURNAL-UNAVAILABLE at the next tick even when nothing is being recorded, and clears when the fsync completes', () => {
    const clock = new ManualClock();
    const room = new FakeRoom(clock);
    const sink = new SinkWithStatus();
    const session = new BridgeSession(room.drivers, config, sink, clock);
    session.start();
    clock.advance(40);
    expect(session.snapshot.context.evidence.journal?.writable).toBe(true);
    sink.current = { writable: false, pendingRecords: 3, lostRecords: 0, error: 'fsync in flight for more than 1000 ms' };
    clock.advance(20); // one tick, no record written
    expect(session.snapshot.context.evidence.journal).toMatchObject({ writable: false, pendingRecords: 3 });
    sink.current = { writable: true, pendingRecords: 0, lostRecords: 0 };
    clock.advance(20);
    expect(session.snapshot.context.evidence.journal?.writable).toBe(true);
    session.stop();
  });
});
