/**
 * Between segments the session waits in mlcPositioning for the MLC, but not
 * for ever: after tolerances.mlcPositioningTimeoutMs it holds naming
 * IL-MLC-NOT-IN-POSITION; and the operator may hold it there. Simulated clock.
 */
import { describe, expect, it } from 'vitest';
import { config, SessionHarness } from '../helpers/session-harness.js';

const TIMEOUT_MS = config.bridge.tolerances.mlcPositioningTimeoutMs;

/** The first segment delivered, the next segment's leaves never arrive: between segments, in mlcPositioning. */
function betweenSegments(): { h: SessionHarness; sinceMs: number } {
  const h = new SessionHarness();
  h.toReady();
  h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
  h.room.mlcFollows = false;
  for (let i = 0; i < 500 && h.state !== 'mlcPositioning'; i++) h.deliver(2);
  expect(h.state).toBe('mlcPositioning');
  expect(h.context.segmentIndex).toBe(1);
  return { h, sinceMs: h.t };
}

const holds = (h: SessionHarness): number => h.commands.filter((c) => c.command === 'HOLD_BEAM').length;

describe('MLC positioning between segments', () => {
  it('the default timeout is 10 s (config/default.json)', () => {
    expect(TIMEOUT_MS).toBe(10_000);
  });

  it(`waits up to the timeout, then holds naming IL-MLC-NOT-IN-POSITION with a notice`, () => {
    const { h, sinceMs } = betweenSegments();
    const before = holds(h);
    h.tick(TIMEOUT_MS - (h.t - sinceMs)); // exactly at the limit: still waiting
    expect(h.state).toBe('mlcPositioning');
    h.tick(20);
    expect(h.state).toBe('beamHold');
    expect(h.context.holdCauses).toEqual(['IL-MLC-NOT-IN-POSITION']);
    expect(holds(h)).toBe(before + 1);
    expect(h.notices).toContainEqual({ type: 'notice', kind: 'mlc-positioning-timeout', segment: 1, timeoutMs: TIMEOUT_MS });
  });

  it('a TICK past the timeout holds as well (no MLC readback needed)', () => {
    const { h, sinceMs } = betweenSegments();
    h.t = sinceMs + TIMEOUT_MS + 1;
    h.send({ type: 'TICK' } as never);
    expect(h.state).toBe('beamHold');
  });

  it('after the hold, a RESUME once the MLC is in position delivers the next segment; a RESUME before is refused', () => {
    const { h, sinceMs } = betweenSegments();
    h.tick(TIMEOUT_MS + 20 - (h.t - sinceMs));
    expect(h.state).toBe('beamHold');
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamHold');
    h.room.mlc = h.context.expectedLeaves;
    h.tick();
    h.tick(1000); // the start permit's MLC dwell
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamOn');
    expect(h.context.segmentIndex).toBe(1);
  });

  it('an MLC that arrives in time continues the beam without a hold', () => {
    const { h } = betweenSegments();
    h.tick(TIMEOUT_MS / 2);
    h.room.mlc = h.context.expectedLeaves;
    h.tick();
    expect(h.state).toBe('beamOn');
  });

  it('accepts OPERATOR_HOLD between segments: beamHold, the hold commanded', () => {
    const { h } = betweenSegments();
    const before = holds(h);
    h.send({ type: 'OPERATOR_HOLD', operator: 'rtt' } as never);
    expect(h.state).toBe('beamHold');
    expect(holds(h)).toBe(before + 1);
  });

  it('before the first segment (no beam yet) neither the timeout nor OPERATOR_HOLD holds: the session waits for the MLC', () => {
    const h = new SessionHarness();
    h.room.mlcFollows = false;
    h.toReady();
    expect(h.state).toBe('mlcPositioning');
    h.tick(TIMEOUT_MS * 2);
    expect(h.state).toBe('mlcPositioning');
    h.send({ type: 'OPERATOR_HOLD', operator: 'rtt' } as never);
    expect(h.state).toBe('mlcPositioning');
  });
});
