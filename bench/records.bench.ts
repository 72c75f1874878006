/**
 * The treatment record's Part-10 encoding (dcmjs) for the example plans, delivered in full: on the
 * event loop (what `simulate` does; the first call of the process apart, it pays dcmjs's warm-up)
 * against the worker thread `start` uses (record-encoder.ts), whose wall time is off the loop; for
 * the worker, the longest event-loop stall seen while it encoded (a 1 ms interval's largest gap,
 * the in-run baseline being the same interval with nothing to do). docs/treatment-record.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadJsonPlan } from '../src/bridge/plan-source.js';
import { encodeRecordOffLoop } from '../src/bridge/record-encoder.js';
import { beamRecords } from '../src/bridge/record-builder.js';
import { fullRun } from '../src/bridge/remaining-work.js';
import { treatmentRecordInput } from '../src/bridge/treatment-record-source.js';
import { loadConfig } from '../src/config/load-config.js';
import { PROJECT_ROOT } from '../src/core/project-root.js';
import { part10Bytes } from '../src/domain/records/record-part10.js';
import { treatmentRecordDataset, type Dataset } from '../src/domain/records/treatment-record.js';
import { fmt, summarise, time } from './timing.js';

const PLANS = ['examples/two-beam-step-and-shoot.json', 'examples/dose-painting-sequenced.json'];

async function datasetOf(rel: string): Promise<Dataset> {
  const cfg = loadConfig();
  const file = path.join(PROJECT_ROOT, rel);
  const loaded = loadJsonPlan(fs.readFileSync(file, 'utf8'), file, cfg);
  const delivered = fullRun(loaded.plan).map((b) => ({ beamId: b.beamId, segments: b.segments.map((s) => ({ index: s.index, mu1: s.mu, mu2: s.mu })) }));
  const beams = await beamRecords(loaded.plan, delivered, () => undefined, 0.1);
  const at = new Date().toISOString();
  const record = { patientId: loaded.plan.patientId, planId: loaded.plan.planId, fraction: 1, outcome: 'complete' as const, startedAt: at, endedAt: at, beams, holds: [], framesRejected: { mlc: 0, couch: 0, beam: 0 } };
  return treatmentRecordDataset(treatmentRecordInput({ record, model: loaded.model, format: 'json', operator: 'bench', config: cfg, manufacturer: 'bench' }));
}

/** Runs `work` while a 1 ms interval measures the event loop's largest gap, ms. */
async function largestGapWhile(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let gap = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 1);
  await work();
  clearInterval(tick);
  return gap;
}

export async function benchRecords(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const idleGapMs = await largestGapWhile(() => new Promise((r) => setTimeout(r, 300)));
  for (const [k, rel] of PLANS.entries()) {
    const ds = await datasetOf(rel);
    const t0 = performance.now();
    const bytes = part10Bytes(ds).length;
    const firstMs = performance.now() - t0;
    const onLoop = time(() => part10Bytes(ds), { maxCalls: 100, maxMs: 5_000 });
    const walls: number[] = [];
    const gaps: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      gaps.push(await largestGapWhile(() => encodeRecordOffLoop(ds)));
      walls.push(performance.now() - t);
    }
    const worker = summarise(walls);
    rows.push({
      plan: path.basename(rel), kB: Math.round(bytes / 1024),
      onLoopFirstMs: k === 0 ? fmt(firstMs) : `${fmt(firstMs)} (not the process's first)`, onLoopP50Ms: fmt(onLoop.p50Ms), onLoopMaxMs: fmt(onLoop.maxMs),
      workerWallP50Ms: fmt(worker.p50Ms), workerWallMaxMs: fmt(worker.maxMs), loopGapDuringWorkerMaxMs: fmt(Math.max(...gaps)), loopGapIdleBaselineMs: fmt(idleGapMs),
    });
  }
  return rows;
}
