import { describe, expect, it } from 'vitest';
import { LoopLagMonitor, type LoopLagReport } from '../../src/bridge/loop-lag-monitor.js';

describe('event-loop lag monitor', () => {
  it('reports a loop blocked for 120 ms as a delay of at least 100 ms, flagged above the warning threshold', async () => {
    const reports: LoopLagReport[] = [];
    const m = new LoopLagMonitor((r) => reports.push(r), { periodMs: 10_000, warnAboveMs: 50, resolutionMs: 5 });
    m.start();
    await new Promise((r) => setTimeout(r, 30)); // let the histogram take samples first
    const until = performance.now() + 120;
    while (performance.now() < until) {
      /* the bridge's loop held by synchronous work */
    }
    await new Promise((r) => setTimeout(r, 30));
    m.stop(); // reports the partial period
    expect(reports).toHaveLength(1);
    expect(reports[0].maxMs).toBeGreaterThanOrEqual(100);
    expect(reports[0]).toMatchObject({ warning: true, warnAboveMs: 50 });
    expect(reports[0].p50Ms).toBeLessThanOrEqual(reports[0].p99Ms);
    expect(reports[0].p99Ms).toBeLessThanOrEqual(reports[0].maxMs);
    expect(m.worstMs).toBeGreaterThanOrEqual(100);
  });
});
