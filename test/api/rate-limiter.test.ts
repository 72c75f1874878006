import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/api/rate-limiter.js';
import { call, login, startRig, type Rig } from '../helpers/console-rig.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('rate limits', () => {
  it('lets a burst through, refuses the next, and refills at the given rate per key', () => {
    let now = 0;
    const r = new RateLimiter(3, 2, () => now);
    expect([r.take('a'), r.take('a'), r.take('a'), r.take('a'), r.take('b')]).toEqual([true, true, true, false, true]);
    now += 499;
    expect(r.take('a')).toBe(false);
    now += 1;
    expect([r.take('a'), r.take('a')]).toEqual([true, false]);
  });

  it('answers 429 RATE_LIMITED to a user sending commands faster than allowed, with nothing done', async () => {
    rig = await startRig();
    const token = await login(rig.base, 'service');
    const replies = await Promise.all(Array.from({ length: 40 }, () => call(rig!.base, 'POST', '/api/v1/commands', { token, body: { type: 'hold' } })));
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].body.error.code).toBe('RATE_LIMITED');
    expect(rig.room.session.stateName).toBe('idle');
  });
});
