/**
 * `simulate --resume` when the interrupted run had already delivered every
 * segment (killed after the last one, before its record): nothing is delivered
 * again; the fraction is closed in the journal with the record of what was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FractionRecord } from '../../src/bridge/fraction-record.js';
import { Journal } from '../../src/journal/journal.js';
import { entriesOf, journalFiles, root, startCli } from '../helpers/cli-process.js';
import { configInTmp } from '../helpers/config-in-tmp.js';

const plan = JSON.parse(fs.readFileSync(path.join(root, 'examples/two-beam-step-and-shoot.json'), 'utf8')) as { patientId: string; planId: string; fraction: number; beams: Array<{ id: number; segments: Array<{ mu: number }> }> };

/** A killed run's journal: every segment of every beam counted to its end by the linac, and no record. */
function killedAfterLastSegment(journalDir: string): string {
  const file = path.join(journalDir, 'killed.jsonl');
  const j = Journal.open(file, false);
  const run = plan.beams.map((b) => ({ beamId: b.id, segments: b.segments.map((s, index) => ({ index, mu: s.mu })) }));
  j.append('session', { event: 'fraction', patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction, run, baseline: [] });
  for (const b of plan.beams) {
    let end = 0;
    b.segments.forEach((s, k) => {
      j.append('mu-checkpoint', { beamId: b.id, state: 'BeamOn', mu1: end, mu2: end });
      end += s.mu;
      j.append('mu-checkpoint', { beamId: b.id, state: k === b.segments.length - 1 ? 'Complete' : 'SegmentDone', mu1: end, mu2: end });
    });
  }
  j.close();
  return file;
}

describe('linac-bridge simulate --resume', () => {
  it('closes a fraction whose interrupted run had delivered everything, without delivering again', async () => {
    const { file, dir } = configInTmp();
    const journalDir = path.join(dir, 'journal');
    const killed = killedAfterLastSegment(journalDir);
    const refused = startCli(['--config', file, 'simulate', 'examples/two-beam-step-and-shoot.json']);
    expect(await refused.exited).toBe(2);
    expect(refused.stderr).toContain('killed.jsonl');

    const r = startCli(['--config', file, 'simulate', 'examples/two-beam-step-and-shoot.json', '--resume', '--operator', 'a.physicist', '--json']);
    expect(await r.exited, r.stderr).toBe(0);
    const rec = JSON.parse(r.stdout) as FractionRecord;
    expect(rec.outcome).toBe('complete');
    expect(rec.beams.map((b) => [b.deliveredMu1, b.plannedMu])).toEqual([[60, 60], [48, 48]]);
    expect(rec.resumed!.journal).toBe(killed);
    const entries = entriesOf(rec.journal!);
    expect(entries.filter((e) => e.kind === 'mu-checkpoint')).toEqual([]); // no device was started
    expect(entries[entries.length - 1].data).toMatchObject({ event: 'stop', reason: 'nothing left to deliver' });

    const again = startCli(['--config', file, 'simulate', 'examples/two-beam-step-and-shoot.json', '--resume', '--operator', 'a.physicist']);
    expect(await again.exited).toBe(2);
    expect(again.stderr).toMatch(/no interrupted run/);
    expect(journalFiles(journalDir)).toHaveLength(2);
  }, 60_000);
});
