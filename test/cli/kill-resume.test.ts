/**
 * SIGKILL at random moments during beams, each time restarted with --resume:
 * the fraction ends with every beam's planned MU delivered once, never more.
 *
 * With the embedded simulators the simulated linac dies with the killed
 * process, so its counters at that moment survive only as the journal's last
 * readback (mu-checkpoint, journaled at every readback that changed). The test
 * reads those readbacks itself, run by run, and checks the bridge's recovered
 * figure against them.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.js';
import type { BeamDelivery } from '../../src/bridge/delivery-ledger.js';
import type { FractionRecord } from '../../src/bridge/fraction-record.js';
import { entriesOf, journalFiles, planWithDoseRate, startCli, untilBeamOn } from '../helpers/cli-process.js';
import { configInTmp } from '../helpers/config-in-tmp.js';

const KILLS = 20;
const PLANNED = new Map([[1, 60], [2, 48]]);

/** Per beam, the linac's last counter in one run's journal (the linac counts each beam from 0 in each run). */
function lastReadbacks(file: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of entriesOf(file)) {
    if (e.kind !== 'mu-checkpoint') continue;
    const c = e.data as { beamId: number; state: string; mu1: number };
    if (c.state !== 'Idle' && c.state !== 'Armed') out.set(c.beamId, c.mu1);
  }
  return out;
}

/** What a run said it started from (the bridge's recovered figure), per beam. */
function baselineOf(file: string): Map<number, number> {
  const start = entriesOf(file).find((e) => e.kind === 'session' && (e.data as { event: string }).event === 'fraction')!.data as { baseline: BeamDelivery[] };
  return new Map(start.baseline.map((b) => [b.beamId, b.segments.reduce((s, x) => s + x.mu1, 0)]));
}

describe('killing the bridge mid-beam and resuming', () => {
  it(`delivers each beam's planned MU exactly once over ${KILLS} SIGKILLs at random moments`, async () => {
    const { file, dir } = configInTmp();
    // 50 MU/min at time-scale 3: 2.5 MU/s, the 108 MU of the plan last about 43 s of beam
    const plan = planWithDoseRate(dir, 50);
    const journalDir = path.join(dir, 'journal');
    const rand = mulberry32(20261126);
    const linacTotal = new Map<number, number>(); // Σ over runs of the linac's counters, from the journals' readbacks
    let kills = 0;
    for (let attempt = 0; kills < KILLS && attempt < KILLS * 2; attempt++) {
      const before = journalFiles(journalDir);
      const args = ['--config', file, 'simulate', plan, '--time-scale', '3', '--max-resumes', '20', ...(attempt ? ['--resume', '--operator', 'night.physicist'] : [])];
      const run = startCli(args);
      let journal: string;
      try {
        journal = await untilBeamOn(journalDir, before, run);
      } catch (e) {
        // it ended before a beam came on: only a completed fraction may do that
        expect(await run.exited, `${(e as Error).message}\n${run.stderr}`).toBe(0);
        break;
      }
      // 0-3 s of beam (0-7.5 MU): the kills spread over both beams, segment ends and moves between them
      await new Promise((r) => setTimeout(r, rand() * 3000));
      run.child.kill('SIGKILL');
      await run.exited;
      kills++;
      // the bridge's recovered figure (next run's baseline) is never above the linac's counters
      const prevBaseline = baselineOf(journal);
      for (const [beamId, mu] of lastReadbacks(journal)) linacTotal.set(beamId, (linacTotal.get(beamId) ?? 0) + mu);
      for (const [beamId, total] of linacTotal) expect(total - (prevBaseline.get(beamId) ?? 0)).toBeGreaterThanOrEqual(-0.001);
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    const before = journalFiles(journalDir);
    const last = startCli(['--config', file, 'simulate', plan, '--time-scale', '3', '--max-resumes', '20', '--resume', '--operator', 'night.physicist', '--json']);
    expect(await last.exited, last.stderr).toBe(0);
    const finalJournal = journalFiles(journalDir).find((f) => !before.includes(f));
    if (finalJournal) {
      const recovered = baselineOf(finalJournal);
      for (const [beamId, mu] of recovered) expect(mu).toBeLessThanOrEqual((linacTotal.get(beamId) ?? 0) + 0.001);
      for (const [beamId, mu] of lastReadbacks(finalJournal)) linacTotal.set(beamId, (linacTotal.get(beamId) ?? 0) + mu);
      const rec = JSON.parse(last.stdout) as FractionRecord;
      for (const b of rec.beams) expect(b.deliveredMu1).toBeCloseTo(linacTotal.get(b.id)!, 2);
    }
    for (const [beamId, planned] of PLANNED) {
      const total = linacTotal.get(beamId) ?? 0;
      expect(Math.abs(total - planned), `beam ${beamId}: ${total} MU`).toBeLessThanOrEqual(0.1);
      expect(total).toBeLessThanOrEqual(planned + 0.001);
    }
  }, 600_000);
});
