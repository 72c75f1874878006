/** Rejected imaging-link garbage is printed rate-limited, every rejection counted. */
import { describe, expect, it } from 'vitest';
import { RejectionSummary } from '../../src/bridge/rejection-summary.js';
import { ManualClock } from '../../src/core/clock.js';
import { readJournal } from '../../src/journal/journal.js';
import { startRoom } from '../helpers/embedded.js';

/** Rejections a set of printed lines stands for: 1 per message, N per "N more … rejected" summary. */
const represented = (lines: string[]) => lines.reduce((n, l) => n + (/^(\d+) more imaging-link input/.exec(l) ? Number(/^(\d+)/.exec(l)![1]) : 1), 0);

describe('RejectionSummary', () => {
  it('prints the first rejection at once, then at most one summary line per second with the count', () => {
    const clock = new ManualClock(0);
    const lines: string[] = [];
    const s = new RejectionSummary((l) => lines.push(l), clock, 1000);
    for (let k = 0; k < 500; k++) {
      s.reject(`bad ${k}`);
      clock.advance(10); // 100 rejections per second for 5 s
    }
    s.flush();
    expect(lines[0]).toBe('bad 0');
    expect(lines.length).toBeLessThanOrEqual(7); // the first, one per second, the flush
    expect(represented(lines)).toBe(500);
    expect(lines.at(-1)).toMatch(/rejected .*last: bad 499\)$/);
  });

  it('prints a rejection after a quiet period at once, with nothing left to flush', () => {
    const clock = new ManualClock(0);
    const lines: string[] = [];
    const s = new RejectionSummary((l) => lines.push(l), clock, 1000);
    s.reject('a');
    clock.advance(5000);
    s.reject('b');
    s.flush();
    expect(lines).toEqual(['a', 'b']);
  });
});

describe('garbage on the imaging link of a room', () => {
  it('journals every unparseable line but prints far fewer lines, the counts adding up', async () => {
    const lines: string[] = [];
    const e = await startRoom({ onRejected: (m) => lines.push(m) });
    const N = 300;
    const file = e.journal.file;
    try {
      for (let k = 0; k < N; k++) e.room.imaging.publishRaw(`garbage ${k} ###\n`);
      const rejected = () => readJournal(file).entries.filter((x) => x.kind === 'rejection').length;
      for (let i = 0; i < 600 && rejected() < N; i++) await new Promise((r) => setTimeout(r, 50)); // wait until all arrived, not a timing assertion
      expect(rejected()).toBe(N);
    } finally {
      await e.close();
    }
    expect(lines.length).toBeLessThan(N / 10);
    expect(represented(lines)).toBe(N);
  }, 60_000);
});
