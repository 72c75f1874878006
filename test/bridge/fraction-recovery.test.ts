import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestRun, unfinishedRuns } from '../../src/bridge/fraction-recovery.js';
import { crc32 } from '../../src/journal/crc32.js';
import { Journal } from '../../src/journal/journal.js';

/** A journal line with its body edited: the CRC made to fit again (the edit stands for what a clock did, not damage). */
const reCrc = (line: string): string => {
  const body = line.slice(0, line.lastIndexOf('\t'));
  return `${body}\t${crc32(body).toString(16).padStart(8, '0')}`;
};

const id = { patientId: 'PHANTOM-001', planId: 'PL', fraction: 3 };
const run = [{ beamId: 1, segments: [{ index: 0, mu: 10 }, { index: 1, mu: 5 }] }];

function journalWith(dir: string, name: string, write: (j: Journal) => void): string {
  const file = path.join(dir, name);
  const j = Journal.open(file, false);
  write(j);
  j.close();
  return file;
}

const start = (j: Journal, extra: object = {}) => j.append('session', { event: 'fraction', ...id, run, baseline: [], ...extra });
const checkpoint = (j: Journal, state: string, mu1: number, mu2 = mu1) => j.append('mu-checkpoint', { beamId: 1, state, mu1, mu2, presetMu: 15, segmentEndMu: 10 });

describe('recovery of an interrupted fraction from the journal folder', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lb-recovery-'));

  it('reads what a killed run delivered from its last journaled linac counters, partial segment included', () => {
    const dir = tmp();
    const file = journalWith(dir, 'a.jsonl', (j) => {
      start(j);
      checkpoint(j, 'BeamOn', 4);
      checkpoint(j, 'SegmentDone', 10, 10.002);
      checkpoint(j, 'BeamOn', 12.25, 12.253);
    });
    const r = latestRun(dir, id)!;
    expect(r.journal).toBe(file);
    expect(r.ended).toBe('no fraction record');
    expect(r.delivered).toEqual([{ beamId: 1, segments: [{ index: 0, mu1: 10, mu2: 10.002 }, { index: 1, mu1: 2.25, mu2: expect.closeTo(2.251, 9) }] }]);
    expect(unfinishedRuns(dir).map((u) => u.journal)).toEqual([file]);
  });

  it('takes the lower of the fraction record and the linac counters, segment by segment, and reports the difference', () => {
    const dir = tmp();
    journalWith(dir, 'a.jsonl', (j) => {
      start(j);
      checkpoint(j, 'BeamOn', 6);
      // a record that claims 0.5 MU more than the linac counted
      j.append('record', { outcome: 'interrupted', stopReason: 'SIGTERM', beams: [{ id: 1, segments: [{ index: 0, deliveredMu: 6.5, deliveredMu2: 6.5 }] }] });
    });
    const r = latestRun(dir, id)!;
    expect(r.ended).toBe('interrupted');
    expect(r.stopReason).toBe('SIGTERM');
    expect(r.delivered[0].segments[0].mu1).toBe(6);
    expect(r.journalMinusLinacMu).toBe(0.5);
  });

  it('takes the run that resumed another as the later one even when its start time is earlier (a wall clock set back)', () => {
    const dir = tmp();
    journalWith(dir, 'z-first.jsonl', (j) => {
      start(j);
      checkpoint(j, 'BeamOn', 7);
    });
    journalWith(dir, 'a-resume.jsonl', (j) => {
      start(j, { resumeOf: path.join(dir, 'z-first.jsonl'), run: [{ beamId: 1, segments: [{ index: 0, mu: 3 }, { index: 1, mu: 5 }] }], baseline: [{ beamId: 1, segments: [{ index: 0, mu1: 7, mu2: 7 }] }] });
      checkpoint(j, 'BeamOn', 2);
    });
    // rewrite the resumed run's start an hour earlier, as a clock set back would have stamped it
    const file = path.join(dir, 'a-resume.jsonl');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"atIso":"(\d{4})/g, (_m, y: string) => `"atIso":"${Number(y) - 1}`).split('\n').map((l) => l && reCrc(l)).join('\n'));
    const r = latestRun(dir, id)!;
    expect(path.basename(r.journal)).toBe('a-resume.jsonl');
  });

  it('takes the run of the later session by room ordinal, not by a wall clock that fell back to 2000', () => {
    const dir = tmp();
    journalWith(dir, 'bridge-2026.jsonl', (j) => {
      j.append('session', { event: 'start', roomOrdinal: 4 });
      start(j);
      checkpoint(j, 'Complete', 15);
      j.append('record', { outcome: 'complete', beams: [{ id: 1, segments: [{ index: 0, deliveredMu: 10, deliveredMu2: 10 }, { index: 1, deliveredMu: 5, deliveredMu2: 5 }] }] });
    });
    journalWith(dir, 'bridge-2000.jsonl', (j) => {
      j.append('session', { event: 'start', roomOrdinal: 5 });
      start(j);
      checkpoint(j, 'BeamOn', 6);
    });
    const file = path.join(dir, 'bridge-2000.jsonl');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"atIso":"[^"]+"/g, '"atIso":"2000-01-01T00:00:00.000Z"').split('\n').map((l) => l && reCrc(l)).join('\n'));
    expect(path.basename(latestRun(dir, id)!.journal)).toBe('bridge-2000.jsonl');
    expect(unfinishedRuns(dir).map((r) => [path.basename(r.journal), r.ended])).toEqual([['bridge-2000.jsonl', 'no fraction record']]);
  });

  it('adds a resumed run to the baseline it started from, and takes the latest run of the fraction', () => {
    const dir = tmp();
    journalWith(dir, 'a.jsonl', (j) => {
      start(j);
      checkpoint(j, 'BeamOn', 7);
    });
    journalWith(dir, 'b.jsonl', (j) => {
      start(j, { run: [{ beamId: 1, segments: [{ index: 0, mu: 3 }, { index: 1, mu: 5 }] }], baseline: [{ beamId: 1, segments: [{ index: 0, mu1: 7, mu2: 7 }] }] });
      checkpoint(j, 'SegmentDone', 3);
      checkpoint(j, 'BeamOn', 4);
    });
    const r = latestRun(dir, id)!;
    expect(path.basename(r.journal)).toBe('b.jsonl');
    expect(r.delivered).toEqual([{ beamId: 1, segments: [{ index: 0, mu1: 10, mu2: 10 }, { index: 1, mu1: 1, mu2: 1 }] }]);
  });

  it('finds nothing for another fraction, and nothing unfinished once the latest run completed', () => {
    const dir = tmp();
    journalWith(dir, 'a.jsonl', (j) => {
      start(j);
      checkpoint(j, 'Complete', 15);
      j.append('record', { outcome: 'complete', beams: [{ id: 1, segments: [{ index: 0, deliveredMu: 10, deliveredMu2: 10 }, { index: 1, deliveredMu: 5, deliveredMu2: 5 }] }] });
    });
    expect(latestRun(dir, { ...id, fraction: 4 })).toBeUndefined();
    expect(latestRun(dir, id)!.ended).toBe('complete');
    expect(unfinishedRuns(dir)).toEqual([]);
    expect(latestRun(path.join(dir, 'missing'), id)).toBeUndefined();
  });

  it('reads a journal whose last line was torn by a crash, and says so', () => {
    const dir = tmp();
    const file = journalWith(dir, 'a.jsonl', (j) => {
      start(j);
      checkpoint(j, 'BeamOn', 2);
    });
    fs.appendFileSync(file, '{"seq":9,"kind":"mu-checkpoint","data":{"beamId":1,"state":"BeamOn","mu1":3');
    const r = latestRun(dir, id)!;
    expect(r.tornTail).toBe(true);
    expect(r.delivered[0].segments[0].mu1).toBe(2);
  });
});
