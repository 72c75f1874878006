import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QaRunRecord } from '../../../src/qa/runner.js';
import { QaStore } from '../../../src/qa/store/qa-store.js';

const mm = { tolerance: 2, action: 1, unit: 'mm', source: 'AAPM TG-142' };
const runAt = (startedAt: string, lateralErrorMm: number, machine = 'linac-1'): QaRunRecord => ({
  runId: `run-${startedAt}-${machine}`, machine, operator: 'dr-qa', software: 'linac-bridge 0.1.0', startedAt, finishedAt: startedAt, status: lateralErrorMm > 2 ? 'fail' : 'pass',
  checks: [{ name: 'igrt-end-to-end', status: lateralErrorMm > 2 ? 'fail' : 'pass', tolerance: { translation: mm }, items: [
    { id: 'lateral', measured: lateralErrorMm, expected: 0, error: lateralErrorMm, unit: 'mm', status: lateralErrorMm > 2 ? 'fail' : 'pass', limits: { tolerance: 2, action: 1 } },
    { id: 'vertical', measured: 0.1, expected: 0, error: 0.1, unit: 'mm', status: 'pass', limits: { tolerance: 2, action: 1 } },
  ] }],
});

describe('QA results database', () => {
  it('keeps every run with machine, time, operator and software, newest first', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qa-db-')), 'sub', 'qa.sqlite');
    const s = QaStore.open(file);
    s.save(runAt('2026-11-01T08:00:00.000Z', 0.4));
    s.save(runAt('2026-11-02T08:00:00.000Z', 3));
    s.close();
    const again = QaStore.open(file); // a second process sees the same results
    expect(again.runs().map((r) => [r.startedAt, r.machine, r.operator, r.software, r.status, r.checks])).toEqual([
      ['2026-11-02T08:00:00.000Z', 'linac-1', 'dr-qa', 'linac-bridge 0.1.0', 'fail', 'igrt-end-to-end'],
      ['2026-11-01T08:00:00.000Z', 'linac-1', 'dr-qa', 'linac-bridge 0.1.0', 'pass', 'igrt-end-to-end'],
    ]);
    again.close();
  });

  it("gives a check's trend oldest first as the worst fraction of tolerance, per machine", () => {
    const s = QaStore.open(':memory:');
    s.save(runAt('2026-11-02T08:00:00.000Z', 1.5));
    s.save(runAt('2026-11-01T08:00:00.000Z', 0.5));
    s.save(runAt('2026-11-03T08:00:00.000Z', 5));
    s.save(runAt('2026-11-03T09:00:00.000Z', 0.2, 'linac-2'));
    expect(s.trend('igrt-end-to-end', 'linac-1').map((p) => [p.startedAt.slice(0, 10), p.worstFraction, p.worstItem, p.status])).toEqual([
      ['2026-11-01', 0.25, 'lateral', 'pass'],
      ['2026-11-02', 0.75, 'lateral', 'pass'],
      ['2026-11-03', 2, 'lateral', 'fail'], // 5 mm of 2 mm, shown capped at twice the tolerance
    ]);
    expect(s.trend('igrt-end-to-end')).toHaveLength(4);
    s.close();
  });

  it('refuses a second run with the same id whole (one transaction)', () => {
    const s = QaStore.open(':memory:');
    const r = runAt('2026-11-01T08:00:00.000Z', 0.4);
    s.save(r);
    expect(() => s.save(r)).toThrow();
    expect(s.runs()).toHaveLength(1);
    s.close();
  });
});
