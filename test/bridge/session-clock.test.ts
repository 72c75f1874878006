/** The session reads wall time only through its injected clock (no Date.now()). */
import { describe, expect, it } from 'vitest';
import { BridgeSession } from '../../src/bridge/bridge-session.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryJournal } from '../../src/journal/journal.js';
import { FakeRoom } from '../helpers/fake-room.js';
import { config, examplePlan } from '../helpers/session-harness.js';

describe('session clock', () => {
  it("judges a registration's age on the injected clock's epoch, whatever the host's wall clock says", () => {
    const epoch0 = Date.parse('2019-03-04T05:06:07Z'); // years before the host's Date.now()
    const clock = new ManualClock(epoch0);
    clock.advance(1_000);
    const room = new FakeRoom(clock);
    const session = new BridgeSession(room.drivers, config, new MemoryJournal(), clock);
    room.couchAt();
    session.start();
    session.loadPlan(examplePlan);
    const at = new Date(clock.epochMs() - 2_000).toISOString(); // two seconds old on the bridge's timeline
    const r = session.submitRegistration({
      id: 'reg-clock', patientId: examplePlan.patientId, planId: examplePlan.planId, fraction: examplePlan.fraction, imageSeries: 'CBCT', acquiredAt: at, registeredAt: at,
      method: 'bony', roiName: 'PTV', correction: { lateral: 0.4, longitudinal: -0.3, vertical: 0.2, pitch: 0.1, roll: 0, yaw: 0.1 }, units: { translation: 'mm', rotation: 'deg' }, quality: 0.9, source: 'test',
    });
    expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    session.stop();
  });
});
