/**
 * recordFromJournal on journals written here with the journal's own writer: the delivered MU
 * is the one the listed linac readbacks give (worked by hand beside each case), a partial beam
 * ends UNKNOWN / BRIDGE-LOST, and bad input names its field.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJsonPlan } from '../../src/bridge/plan-source.js';
import { recordFromJournal } from '../../src/bridge/record-from-journal.js';
import { treatmentRecordInput } from '../../src/bridge/treatment-record-source.js';
import { loadConfig } from '../../src/config/load-config.js';
import { Journal } from '../../src/journal/journal.js';
import { root } from '../helpers/cli-process.js';

const cfg = loadConfig();
const planFile = path.join(root, 'examples/two-beam-step-and-shoot.json');
const planJson = JSON.parse(fs.readFileSync(planFile, 'utf8'));
/** The example's beam 1 segments: 18, 14, 12, 9, 7 MU; beam 2: 20, 13, 10, 5 MU. */
const run = planJson.beams.map((b: any) => ({ beamId: b.id, segments: b.segments.map((s: any, index: number) => ({ index, mu: s.mu })) }));

function journalOf(records: Array<[string, unknown]>): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-from-journal-')), 'bridge-x.jsonl');
  const j = Journal.open(file, false);
  for (const [kind, data] of records) j.append(kind as never, data);
  j.close();
  return file;
}

const start: [string, unknown] = ['session', { event: 'start', mlcModel: cfg.mlc.id }];
const fraction = (extra: object = {}): [string, unknown] => ['session', { event: 'fraction', source: 'console', patientId: planJson.patientId, planId: planJson.planId, fraction: 1, run, baseline: [], planForm: 'json', plan: planJson, ...extra }];
const checkpoint = (state: string, mu1: number, mu2 = mu1, beamId = 1): [string, unknown] => ['mu-checkpoint', { beamId, state, mu1, mu2, presetMu: 60, segmentEndMu: 18 }];

describe('recordFromJournal', () => {
  it('gives a killed run the MU of its last journaled readback: segment 1 whole, segment 2 partial, beam 2 absent; UNKNOWN / BRIDGE-LOST', async () => {
    // readbacks: armed 0; on 4.5; paused at the segment end 18.0 (segment 1 = 18); on again 20.25 (segment 2 = 20.25 − 18 = 2.25)
    const file = journalOf([start, fraction(), ['operator', { type: 'BEAM_ON', operator: 'rtt-1' }], checkpoint('Armed', 0), checkpoint('BeamOn', 4.5, 4.49), checkpoint('SegmentDone', 18, 17.98), checkpoint('BeamOn', 20.25, 20.2)]);
    const r = await recordFromJournal(file, cfg, { manufacturer: 'test' });
    expect(r.ended).toBe('lost');
    expect(r.lastCheckpoints.map((c) => c.mu1)).toEqual([18, 20.25]);
    const beam = r.source.record.beams.find((b) => b.id === 1)!;
    expect(beam.segments.map((s) => [s.index, s.deliveredMu, s.deliveredMu2])).toEqual([[0, 18, 17.98], [1, 2.25, 2.22]]);
    expect([beam.deliveredMu1, beam.deliveredMu2, beam.muWithinTolerance]).toEqual([20.25, 20.2, false]);
    const input = treatmentRecordInput(r.source);
    expect(input.beams.map((b) => [b.number, b.termination.status, b.termination.code])).toEqual([[1, 'UNKNOWN', 'BRIDGE-LOST']]);
    expect(input.operator).toBe('rtt-1');
  });

  it('takes the plan from --plan for a journal that does not carry it, and refuses one of another fraction naming --plan.fraction', async () => {
    const file = journalOf([start, fraction({ plan: undefined }), checkpoint('BeamOn', 3)]);
    await expect(recordFromJournal(file, cfg, { manufacturer: 'test' })).rejects.toMatchObject({ code: 'INPUT_INVALID', field: expect.stringMatching(/^session fraction \(seq \d+\)\.plan$/), message: expect.stringContaining('--plan') });
    const given = loadJsonPlan(fs.readFileSync(planFile, 'utf8'), planFile, cfg);
    expect((await recordFromJournal(file, cfg, { plan: given, manufacturer: 'test' })).source.record.beams[0].deliveredMu1).toBe(3);
    const other = { ...given, plan: { ...given.plan, fraction: 2 } };
    await expect(recordFromJournal(file, cfg, { plan: other, manufacturer: 'test' })).rejects.toMatchObject({ code: 'INPUT_INVALID', field: '--plan.fraction' });
  });

  it.each([
    ['a journal with no fraction', [start, checkpoint('BeamOn', 3)], /^session fraction$/],
    ['a readback whose MU is not a number', [start, fraction(), checkpoint('BeamOn', 'x' as never)], /^mu-checkpoint \(seq \d+\)\.mu1$/],
    ['a readback of an unknown beam state', [start, fraction(), checkpoint('Sparkling', 3)], /^mu-checkpoint \(seq \d+\)\.state$/],
    ['a fraction whose run is not a list', [start, fraction({ run: 'all' })], /^session fraction \(seq \d+\)\.run$/],
    ['a plan that does not validate', [start, fraction({ plan: { ...planJson, beams: [] } })], /^session fraction \(seq \d+\)\.plan\.beams/],
  ] as const)('refuses %s naming the field', async (_n, records, field) => {
    await expect(recordFromJournal(journalOf([...records] as Array<[string, unknown]>), cfg, { manufacturer: 'test' })).rejects.toMatchObject({ code: 'INPUT_INVALID', field: expect.stringMatching(field) });
  });
});
