/**
 * The journal's fsync policy in figures: appending a mu-checkpoint-sized
 * record with fsync after every record (the configured default), batched
 * (fsync once per 10 records, what a 100 ms group commit at the 10 Hz beam
 * readback would give), and without fsync (the in-run baseline: the page
 * cache only). Per-record time, p50/p99, records/s and the ratio to the
 * baseline. The file lives under the project's journal folder (a real disk;
 * /tmp may be a RAM file system where fsync costs nothing). Bounded in count
 * and time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Journal } from '../src/journal/journal.js';
import { fmt, summarise, type Timing } from './timing.js';

const RECORDS = 2000;
const MAX_MS = 15_000;
const BATCH = 10;
const record = { beamId: 1, state: 'BeamOn', mu1: 12.345, mu2: 12.348, presetMu: 60, segmentEndMu: 18 };

function appendLoop(mode: 'each' | 'batched' | 'none', dir: string): Timing {
  const file = path.join(dir, `bench-${mode}-${process.pid}.jsonl`);
  const j = Journal.open(file, mode === 'each');
  const fd = fs.openSync(file, 'r'); // fsync of any descriptor flushes the file's data
  const samples: number[] = [];
  const start = performance.now();
  try {
    for (let i = 0; i < RECORDS && performance.now() - start < MAX_MS; i++) {
      const t = performance.now();
      j.append('mu-checkpoint', record);
      if (mode === 'batched' && i % BATCH === BATCH - 1) fs.fsyncSync(fd);
      samples.push(performance.now() - t);
    }
  } finally {
    fs.closeSync(fd);
    j.close();
    fs.rmSync(file, { force: true });
  }
  return summarise(samples);
}

export function benchJournal(): Record<string, unknown>[] {
  const dir = path.resolve('journal', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const none = appendLoop('none', dir);
  const rows = ([['fsync per record', appendLoop('each', dir)], [`fsync per ${BATCH} records`, appendLoop('batched', dir)], ['no fsync (baseline)', none]] as const).map(([policy, t]) => ({
    policy, records: t.calls, usPerRecord: fmt(t.msPerCall * 1000), p50Us: fmt(t.p50Ms * 1000), p99Us: fmt(t.p99Ms * 1000), recordsPerS: Math.round(1000 / t.msPerCall), ratioToBaseline: fmt(t.msPerCall / none.msPerCall, 3),
  }));
  fs.rmSync(dir, { recursive: true, force: true });
  return rows;
}
