import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { MotionMonitor } from '../../src/domain/motion/motion-monitor.js';
import { motionSamples, type MotionLinkCounters, type MotionLinkSample } from '../../src/drivers/motion-link.js';
import { ScriptedLink } from '../helpers/scripted-link.js';

const line = (seq: number, lateral = 0.4) => `${JSON.stringify({ seq, offset: { lateral, longitudinal: -1.2, vertical: 2.1 }, units: 'mm' })}\n`;

function rig() {
  const clock = new ManualClock();
  const link = new ScriptedLink();
  const counters: MotionLinkCounters = { rejected: 0 };
  const got: MotionLinkSample[] = [];
  const monitor = new MotionMonitor(3);
  motionSamples(link, clock, counters).subscribe((s) => {
    got.push(s);
    monitor.observe(s);
  });
  return { clock, link, counters, got, monitor };
}

describe('motion link: only samples that advance are evidence the tracker is alive', () => {
  it('a frozen tracker repeating one sample 101 times gives one sample, and its evidence ages', () => {
    const r = rig();
    for (let i = 0; i < 101; i++) {
      r.link.feed(line(17));
      r.clock.advance(20);
    }
    expect(r.got.map((s) => s.seq)).toEqual([17]);
    expect(r.counters.repeated).toBe(100);
    expect(r.monitor.evidence!.lastSampleMs).toBe(0); // the first arrival: 2 s old by now
    expect(r.clock.nowMs() - r.monitor.evidence!.lastSampleMs).toBe(101 * 20);
  });

  it('drops a sample whose seq goes backwards or repeats, and keeps the ones that advance', () => {
    const r = rig();
    for (const seq of [1, 2, 2, 1, 5, 3, 6]) r.link.feed(line(seq));
    expect(r.got.map((s) => s.seq)).toEqual([1, 2, 5, 6]);
    expect(r.counters.repeated).toBe(3);
  });

  it('a frozen sequence with a changing offset is still frozen (the seq, not the content, must advance)', () => {
    const r = rig();
    r.link.feed(line(4, 0.1) + line(4, 0.2) + line(4, 0.3));
    expect(r.got).toHaveLength(1);
  });

  it('counts a non-integer seq as malformed, not as a sample', () => {
    const r = rig();
    r.link.feed(line(1.5) + line(Number.MAX_SAFE_INTEGER + 2) + line(2));
    expect(r.got.map((s) => s.seq)).toEqual([2]);
    expect(r.counters.rejected).toBe(2);
  });
});
