/**
 * `simulate` writes an RT Beams Treatment Record after each fraction. Every
 * record is checked by dciodvfy (0 errors) and its values read by dcmdump
 * against figures the record builder did not make: the linac's counters in the
 * journal (mu-checkpoint), the plan file's own SOP Instance UID and machine name.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/journal/journal.js';
import { entriesOf, planWithDoseRate, root, startCli, untilBeamOn } from '../helpers/cli-process.js';
import { configInTmp } from '../helpers/config-in-tmp.js';
import { dciodvfy, dcmdumpValues } from '../helpers/dicom3tools.js';

const run = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
const agilityPlan = path.join(root, 'test/fixtures/rtplan/derived/agility-2beam-explicit.dcm');

interface Checkpoint { beamId: number; state: string; mu1: number; mu2: number }

/** The linac's last counters per beam, as journaled from its readback. */
function linacCounters(entries: JournalEntry[]): Map<number, Checkpoint> {
  const last = new Map<number, Checkpoint>();
  for (const e of entries) if (e.kind === 'mu-checkpoint') last.set((e.data as Checkpoint).beamId, e.data as Checkpoint);
  return last;
}

function expectValid(file: string): void {
  const v = dciodvfy(file);
  expect(v.iods, v.output).toContain('RTBeamsTreatmentRecord');
  expect(v.errors, v.output).toEqual([]);
}

describe('the treatment record written by simulate', () => {
  it('for a complete JSON-plan fraction: beside the journal, valid, the linac counters per beam, NORMAL, no plan referenced', () => {
    const { file } = configInTmp();
    const r = run(['--config', file, 'simulate', 'examples/two-beam-step-and-shoot.json', '--json', '--time-scale', '10']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { journal: string; treatmentRecord: string };
    expect(out.treatmentRecord).toBe(out.journal.replace(/\.jsonl$/, '.rtrecord.dcm'));
    expectValid(out.treatmentRecord);
    const linac = linacCounters(entriesOf(out.journal));
    const delivered = dcmdumpValues(out.treatmentRecord, '3008,0036').map(Number);
    const delivered2 = dcmdumpValues(out.treatmentRecord, '3008,0037').map(Number);
    expect(dcmdumpValues(out.treatmentRecord, '300c,0006').map(Number)).toEqual([1, 2]);
    [1, 2].forEach((id, k) => {
      expect(Math.abs(delivered[k] - linac.get(id)!.mu1)).toBeLessThanOrEqual(0.001);
      expect(Math.abs(delivered2[k] - linac.get(id)!.mu2)).toBeLessThanOrEqual(0.001);
    });
    expect(dcmdumpValues(out.treatmentRecord, '3008,002a')).toEqual(['NORMAL', 'NORMAL']);
    expect(dcmdumpValues(out.treatmentRecord, '0008,1155')).toEqual([]);
    // two control points per segment (5 + 4 segments), each with the MLC readback of 60 pairs
    expect(dcmdumpValues(out.treatmentRecord, '300a,0110').map(Number)).toEqual([10, 8]);
    expect(dcmdumpValues(out.treatmentRecord, '300a,011c').map((v) => v.split('\\').length)).toEqual(new Array(18).fill(120));
  });

  it('for the Agility DICOM plan: written into the --record folder, valid, referencing the plan by its SOP Instance UID', () => {
    const { file, dir } = configInTmp();
    const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
    cfg.mlcModel = 'agility';
    fs.writeFileSync(file, JSON.stringify(cfg));
    const folder = path.join(dir, 'records');
    fs.mkdirSync(folder);
    const r = run(['--config', file, 'simulate', agilityPlan, '--json', '--time-scale', '10', '--record', folder]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { journal: string; treatmentRecord: string };
    expect(path.dirname(out.treatmentRecord)).toBe(folder);
    expectValid(out.treatmentRecord);
    expect(dcmdumpValues(out.treatmentRecord, '0008,1155')).toEqual(dcmdumpValues(agilityPlan, '0008,0018'));
    expect(dcmdumpValues(out.treatmentRecord, '300a,00b2')).toEqual([dcmdumpValues(agilityPlan, '300a,00b2')[0]]);
    expect(dcmdumpValues(out.treatmentRecord, '0010,0020')).toEqual(dcmdumpValues(agilityPlan, '0010,0020'));
    const linac = linacCounters(entriesOf(out.journal));
    dcmdumpValues(out.treatmentRecord, '3008,0036').map(Number).forEach((mu, k) => expect(Math.abs(mu - linac.get(k + 1)!.mu1)).toBeLessThanOrEqual(0.001));
    expect(dcmdumpValues(out.treatmentRecord, '3008,0032').map(Number)).toEqual([20, 30]);
    expect(dcmdumpValues(out.treatmentRecord, '3008,002a')).toEqual(['NORMAL', 'NORMAL']);
    // the plan's Y jaws (no jaw readback in the simulators) and the Agility's 80 leaf pairs read back
    expect(dcmdumpValues(out.treatmentRecord, '300a,00b8')).toContain('ASYMY');
    expect(dcmdumpValues(out.treatmentRecord, '300a,011c').filter((v) => v.split('\\').length === 160)).toHaveLength(4);
  });

  it('for a fraction stopped mid-beam by SIGINT: the partial meterset the linac counted, OPERATOR / SIGINT, and still valid', async () => {
    const { file, dir } = configInTmp();
    const plan = planWithDoseRate(dir, 100); // 18 MU first segment at 100 MU/min: the stop lands mid-segment
    const cli = startCli(['--config', file, 'simulate', plan, '--json']);
    const journal = await untilBeamOn(path.join(dir, 'journal'), [], cli, 0.5);
    cli.child.kill('SIGINT');
    expect(await cli.exited, cli.stderr).toBe(130);
    const record = journal.replace(/\.jsonl$/, '.rtrecord.dcm');
    expectValid(record);
    const linac = linacCounters(entriesOf(journal)).get(1)!;
    expect(linac.mu1).toBeGreaterThan(0);
    expect(linac.mu1).toBeLessThan(60);
    const delivered = dcmdumpValues(record, '3008,0036').map(Number);
    expect(delivered).toHaveLength(1); // beam 2 never started: not in the record
    expect(Math.abs(delivered[0] - linac.mu1)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(Number(dcmdumpValues(record, '3008,0037')[0]) - linac.mu2)).toBeLessThanOrEqual(0.001);
    expect(dcmdumpValues(record, '3008,002a')).toEqual(['OPERATOR']);
    expect(dcmdumpValues(record, '3008,002b')).toEqual(['SIGINT']);
    expect(dcmdumpValues(record, '300a,0730')[0]).toMatch(/SIGINT/);
    // the last control point: what the linac delivered, short of what the plan specified there
    const specified = dcmdumpValues(record, '3008,0042').map(Number);
    const cumulative = dcmdumpValues(record, '3008,0044').map(Number);
    expect(cumulative[cumulative.length - 1]).toBeCloseTo(linac.mu1, 3);
    expect(cumulative[cumulative.length - 1]).toBeLessThan(specified[specified.length - 1]);
  });

  it('for a fraction resumed after SIGINT: the whole fraction (earlier run + this run), NORMAL, each control point once, valid', async () => {
    const { file, dir } = configInTmp();
    const plan = planWithDoseRate(dir, 300);
    const first = startCli(['--config', file, 'simulate', plan, '--time-scale', '2']);
    const journal = await untilBeamOn(path.join(dir, 'journal'), [], first, 3);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(130);
    const before = linacCounters(entriesOf(journal)).get(1)!;
    const resumed = startCli(['--config', file, 'simulate', plan, '--resume', '--operator', 'a.physicist', '--json', '--time-scale', '5']);
    expect(await resumed.exited, resumed.stderr).toBe(0);
    const out = JSON.parse(resumed.stdout) as { journal: string; treatmentRecord: string };
    expectValid(out.treatmentRecord);
    const now = linacCounters(entriesOf(out.journal));
    const delivered = dcmdumpValues(out.treatmentRecord, '3008,0036').map(Number);
    // beam 1: what the stopped run's linac counted plus what this run's linac counted
    expect(Math.abs(delivered[0] - (before.mu1 + now.get(1)!.mu1))).toBeLessThanOrEqual(0.002);
    expect(Math.abs(delivered[1] - now.get(2)!.mu1)).toBeLessThanOrEqual(0.001);
    expect(dcmdumpValues(out.treatmentRecord, '3008,002a')).toEqual(['NORMAL', 'NORMAL']);
    expect(dcmdumpValues(out.treatmentRecord, '300c,00f0').map(Number)).toEqual([...Array.from({ length: 10 }, (_, k) => k), ...Array.from({ length: 8 }, (_, k) => k)]);
  });
});
