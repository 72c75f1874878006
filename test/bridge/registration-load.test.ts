import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LoadShedder, type ShedReport } from '../../src/bridge/registration-sources/load-shedder.js';
import { RegistrationHttpSource } from '../../src/bridge/registration-sources/http-source.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Candidate } from '../../src/domain/registration/registration-pipeline.js';

const LIMITS = { ratePerS: 10, burst: 5, maxInFlight: 3, reportEveryMs: 1000 };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('load shedding at the registration edge', () => {
  it('lets a burst in, then the configured rate, refusing the rest with a Retry-After', () => {
    const clock = new ManualClock();
    const s = new LoadShedder({ ...LIMITS, maxInFlight: 100 }, clock);
    const results = Array.from({ length: 8 }, () => s.admit());
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, false, false, false]);
    expect(results[5]).toMatchObject({ ok: false, reason: 'rate', retryAfterS: 1 });
    clock.advance(100); // 10/s: one more token
    expect(s.admit().ok).toBe(true);
    expect(s.admit().ok).toBe(false);
  });

  it('refuses beyond the requests in progress even with tokens left, and admits again once one finishes', () => {
    const s = new LoadShedder({ ...LIMITS, burst: 100 }, new ManualClock());
    const held = [s.admit(), s.admit(), s.admit()];
    expect(s.admit()).toMatchObject({ ok: false, reason: 'in-flight' });
    if (held[0].ok) held[0].done();
    if (held[0].ok) held[0].done(); // finishing twice counts once
    expect(s.admit().ok).toBe(true);
    expect(s.admit().ok).toBe(false);
  });

  it('reports the first refusal at once, then one summary per period with the counts, not one record per request', () => {
    const clock = new ManualClock();
    const s = new LoadShedder(LIMITS, clock);
    const reports: ShedReport[] = [];
    s.report$.subscribe((r) => reports.push(r));
    for (let i = 0; i < 300; i++) {
      const r = s.admit();
      if (r.ok) r.done();
      clock.advance(3.3); // ≈ 300 requests per second for one second
    }
    s.flush();
    expect(reports.length).toBeLessThanOrEqual(3);
    const shed = reports.reduce((n, r) => n + r.shed.rate + r.shed['in-flight'], 0);
    const admitted = reports.reduce((n, r) => n + r.admittedSinceLast, 0);
    expect(shed + admitted).toBe(300);
    expect(admitted).toBeLessThanOrEqual(5 + 10 + 1); // burst + 1 s at the rate
  });

  it('over HTTP a flood gets 429 without its bodies reaching validation, and the admitted ones still 202', async () => {
    const src = new RegistrationHttpSource({ limits: LIMITS, clock: new ManualClock() }); // time stands still: no refill
    const port = await src.listen();
    cleanups.push(() => src.close());
    const seen: Candidate[] = [];
    src.candidates$.subscribe((c) => seen.push(c));
    const reports: ShedReport[] = [];
    src.shed$.subscribe((r) => reports.push(r));
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await fetch(`http://127.0.0.1:${port}/registrations`, { method: 'POST', body: '{"id":"x"}' });
      statuses.push(r.status);
      if (r.status === 429) expect(r.headers.get('retry-after')).toBe('1');
      await r.arrayBuffer();
    }
    expect(statuses).toEqual([...Array(5).fill(202), ...Array(7).fill(429)]);
    expect(seen).toHaveLength(5);
    expect(reports[0].shed.rate).toBe(1);
  });

  it('over WebSocket messages beyond the rate are dropped unread and counted', async () => {
    const src = new RegistrationHttpSource({ limits: LIMITS, clock: new ManualClock() });
    const port = await src.listen();
    cleanups.push(() => src.close());
    const seen: Candidate[] = [];
    src.candidates$.subscribe((c) => seen.push(c));
    const reports: ShedReport[] = [];
    src.shed$.subscribe((r) => reports.push(r));
    const ws = new WebSocket(`ws://127.0.0.1:${port}/registrations`);
    await new Promise((r) => ws.once('open', r));
    for (let i = 0; i < 9; i++) ws.send('{"id":"x"}');
    ws.send('{"id":"last"}');
    await new Promise<void>((resolve) => {
      const check = (): void => (reports.length > 0 && seen.length === 5 ? resolve() : void setImmediate(check));
      check();
    });
    ws.close();
    await src.close(); // flushes the last summary
    cleanups.length = 0;
    expect(seen).toHaveLength(5);
    expect(reports.reduce((n, r) => n + r.shed.rate, 0)).toBe(5);
  });
});
