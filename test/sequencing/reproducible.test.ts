import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMlcModel } from '../../src/config/load-config.js';
import { parseFluenceCsv, unconstrainedMinimumMu } from '../../src/domain/sequencing/fluence-map.js';
import { DEFAULT_BUDGET_WORK, sequenceMap, type SequenceOptions } from '../../src/domain/sequencing/sequence-map.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const fixture = (f: string) => path.join(root, 'test/fixtures/leaf-sequencing', f);
const mlc = loadMlcModel('millennium-120');
const opts: SequenceOptions = { method: 'improved', interleaf: false, tongueGroove: false, bixelWidthMm: 5, doseRateMuPerMin: 600, minSegmentMu: 1, minOpenAreaMm2: 0, segmentOverheadS: 0.5 };
const run = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

/** Two CPU-bound loops, each killed by the test and in any case by its own 60 s timeout. */
function busyLoops(): ChildProcess[] {
  return [0, 1].map(() => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore', timeout: 60_000, killSignal: 'SIGKILL' }));
}

describe('reproducible segment search (work budget, fixed seed, no clock)', () => {
  it('gives byte-identical segments for the same map three times, once while two busy loops load the CPU, at the minimum total MU', async () => {
    // case4-beam2: K 18 against a lower bound of 12, so the search runs until its budget is spent
    const map = parseFluenceCsv(fs.readFileSync(fixture('case4-beam2.csv'), 'utf8'), 'case4-beam2.csv');
    const once = async () => {
      const r = await sequenceMap(map, mlc, opts);
      return { segments: JSON.stringify(r.segments), tnmu: r.tnmu, budgetWork: r.budgetWork, work: r.work };
    };
    const first = await once();
    const second = await once();
    const loops = busyLoops();
    let loaded: Awaited<ReturnType<typeof once>>;
    try {
      loaded = await once();
    } finally {
      for (const p of loops) p.kill('SIGKILL');
    }
    expect(second).toEqual(first);
    expect(loaded).toEqual(first);
    expect(first.tnmu).toBe(unconstrainedMinimumMu(map));
    expect(first.budgetWork).toBe(DEFAULT_BUDGET_WORK);
    expect(first.work).toBeGreaterThan(0);
    expect(first.work).toBeLessThanOrEqual(DEFAULT_BUDGET_WORK + 1);
  });

  it('stops at the work it is given: the same budget gives the same result, and the output states it', async () => {
    const map = parseFluenceCsv(fs.readFileSync(fixture('case2-beam3.csv'), 'utf8'), 'case2-beam3.csv');
    const a = await sequenceMap(map, mlc, { ...opts, budgetWork: 7 });
    const b = await sequenceMap(map, mlc, { ...opts, budgetWork: 7 });
    expect(a.budgetWork).toBe(7);
    expect(a.work).toBeLessThanOrEqual(8);
    expect(JSON.stringify(b.segments)).toBe(JSON.stringify(a.segments));
    const engel = await sequenceMap(map, mlc, { ...opts, method: 'engel' });
    expect(engel).toMatchObject({ budgetWork: 0, work: 0 });
  });

  it('under leaf constraints the improved search is bounded by work too: a smaller budget stops earlier, the same budget repeats byte for byte', async () => {
    const map = parseFluenceCsv(fs.readFileSync(fixture('case1-beam1.csv'), 'utf8'), 'case1-beam1.csv');
    const constrained = { ...opts, interleaf: true, tongueGroove: true };
    const full = await sequenceMap(map, mlc, constrained);
    const again = await sequenceMap(map, mlc, constrained);
    const small = await sequenceMap(map, mlc, { ...constrained, budgetWork: 5 });
    expect(JSON.stringify(again.segments)).toBe(JSON.stringify(full.segments));
    expect(full.work).toBeLessThanOrEqual(DEFAULT_BUDGET_WORK + 10);
    expect(small.work).toBeLessThan(full.work);
    for (const r of [full, small]) {
      expect(r.constraints.tongueAndGroove.violations + r.constraints.interdigitation.violations + r.constraints.reconstruction.violations).toBe(0);
      expect(r.tnmu).toBe(full.tnmu);
    }
  });

  it('CLI: --budget-work is stated in the JSON output; --budget-ms is refused naming --budget-work', () => {
    const ok = run(['sequence', fixture('gecode-5x5.csv'), '--mlc', 'millennium-120', '--method', 'improved', '--budget-work', '50', '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ budgetWork: 50, tnmu: 21 });
    const refused = run(['sequence', fixture('gecode-5x5.csv'), '--mlc', 'millennium-120', '--budget-ms', '5', '--json']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--budget-ms[\s\S]*--budget-work/);
    const bad = run(['sequence', fixture('gecode-5x5.csv'), '--mlc', 'millennium-120', '--budget-work', '1.5', '--json']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--budget-work/);
  });
});
