/**
 * Every operator event reaches the journal with who sent it, ABORT included:
 * ABORT ends a fraction from any state (from fault without RESET's checks),
 * so it must be on the record (Leveson & Turner 1993: log every override).
 */
import { describe, expect, it } from 'vitest';
import { BridgeSession } from '../../src/bridge/bridge-session.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryJournal } from '../../src/journal/journal.js';
import { FakeRoom } from '../helpers/fake-room.js';
import { config, examplePlan } from '../helpers/session-harness.js';

describe('operator events in the journal', () => {
  it('journals ABORT with the operator, like RESET and RESUME', () => {
    const clock = new ManualClock();
    const journal = new MemoryJournal();
    const session = new BridgeSession(new FakeRoom(clock).drivers, config, journal, clock);
    session.start();
    session.loadPlan(examplePlan);
    session.send({ type: 'ABORT', operator: 'rtt-2' });
    expect(session.stateName).toBe('aborted');
    expect(journal.ofKind('operator')).toContainEqual(expect.objectContaining({ type: 'ABORT', operator: 'rtt-2' }));
    session.stop();
  });
});
