/**
 * Verification images are judged on the bridge's monotonic clock: acquired
 * after readback showed the couch settled (not after the move was commanded),
 * with the imaging clock's skew bounded, and unaffected by the wall clock.
 * BridgeSession on a ManualClock with drivers the test drives.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BridgeSession, stateName } from '../../src/bridge/bridge-session.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryJournal } from '../../src/journal/journal.js';
import { FakeRoom } from '../helpers/fake-room.js';
import { config, SETUP_TARGET, srsPlan } from '../helpers/session-harness.js';

const WALL0 = Date.parse('2026-11-26T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
let n = 0;
function message(acquiredMs: number, registeredMs: number, correction = { lateral: 0.4, longitudinal: -0.3, vertical: 0.2, pitch: 0.1, roll: 0, yaw: 0.1 }) {
  return {
    id: `img-${++n}`, patientId: srsPlan.patientId, planId: srsPlan.planId, fraction: srsPlan.fraction, imageSeries: 'CBCT', acquiredAt: iso(acquiredMs), registeredAt: iso(registeredMs),
    method: 'bony', roiName: 'PTV', correction, units: { translation: 'mm', rotation: 'deg' }, quality: 0.9, source: 'test',
  };
}

afterEach(() => vi.useRealTimers());

/** SRS session: registration, approval, the move commanded; returns the epoch time of the command. */
function commandedMove() {
  // the wall clock agrees with the bridge's timeline unless a test sets it otherwise
  const clock = new ManualClock();
  const advance = clock.advance.bind(clock);
  clock.advance = (ms: number) => {
    advance(ms);
    vi.setSystemTime(WALL0 + clock.nowMs() - 5_000);
  };
  vi.useFakeTimers({ toFake: ['Date'] });
  clock.advance(5_000);
  const room = new FakeRoom(clock);
  const session = new BridgeSession(room.drivers, config, new MemoryJournal(), clock, { wallNowMs: () => WALL0 });
  const epoch = () => WALL0 + clock.nowMs() - 5_000; // the bridge's own timeline
  room.couchAt();
  session.start();
  session.loadPlan(srsPlan);
  const first = session.submitRegistration(message(epoch() - 2_000, epoch() - 500));
  expect(first.ok).toBe(true);
  session.approve(session.snapshot.context.pending!.registration.id, { user: 'rtt', role: 'therapist' });
  expect(stateName(session.snapshot.value)).toBe('setup.couchMoving');
  const target = session.snapshot.context.approvedCouchTarget!;
  return { clock, room, session, epoch, target, commandedAt: epoch() };
}

/** The couch moves for 3 s (readback every 100 ms), then stands at the target. */
function moveAndSettle(x: ReturnType<typeof commandedMove>): number {
  for (let i = 0; i < 30; i++) {
    x.clock.advance(100);
    x.room.couchAt({ ...x.target, lateralMm: x.target.lateralMm * (i / 30) }, true);
  }
  x.clock.advance(100);
  x.room.couchAt(x.target, false);
  return x.epoch();
}

describe('verification image timing', () => {
  it('rejects an image acquired 1 s after the move was commanded, while the couch was still moving', () => {
    const x = commandedMove();
    const settledAt = moveAndSettle(x);
    x.clock.advance(2_000);
    const r = x.session.submitRegistration(message(x.commandedAt + 1_000, x.epoch() - 100));
    expect(r.ok).toBe(false);
    expect(r.ok || r.error).toMatchObject({ code: 'REG_STALE', field: 'registration.acquiredAt' });
    // one acquired after the settle (plus the allowed skew) is accepted
    const ok = x.session.submitRegistration(message(settledAt + config.bridge.registration.maxClockSkewMs + 100, x.epoch() - 50));
    expect(ok.ok).toBe(true);
  });

  it('rejects every image while readback has not yet shown the couch settled', () => {
    const x = commandedMove();
    x.clock.advance(1_500);
    x.room.couchAt(x.target, true);
    const r = x.session.submitRegistration(message(x.epoch() - 10, x.epoch()));
    expect(r.ok || r.error).toMatchObject({ code: 'REG_STALE', field: 'couch.settled' });
  });

  it('refuses a result from an imaging clock 4 s ahead (beyond the 1 s skew) that would otherwise pass as taken after the settle', () => {
    const x = commandedMove();
    const settledAt = moveAndSettle(x);
    x.clock.advance(1_000);
    // really acquired 2 s before the settle; the imaging clock adds 4 s
    const r = x.session.submitRegistration(message(settledAt - 2_000 + 4_000, x.epoch() - 100 + 4_000));
    expect(r.ok || r.error).toMatchObject({ code: 'REG_INVALID', field: 'registration.registeredAt' });
  });

  it('judges image age on the monotonic clock: a wall clock set back 1 h does not let an old image through', () => {
    const x = commandedMove();
    moveAndSettle(x);
    x.clock.advance(1_000);
    vi.setSystemTime(x.epoch() - 3_600_000);
    const maxAge = config.bridge.registration.maxAgeMs;
    const old = x.epoch() - maxAge - 60_000;
    const r = x.session.submitRegistration(message(old, old + 1_000));
    expect(r.ok || r.error).toMatchObject({ code: 'REG_STALE', field: 'registration.acquiredAt' });
  });
});
