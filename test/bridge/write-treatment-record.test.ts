import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FractionRecord } from '../../src/bridge/fraction-record.js';
import { recordPath, writeRecordFileAsync, writeTreatmentRecord } from '../../src/bridge/write-treatment-record.js';
import { loadConfig } from '../../src/config/load-config.js';
import { fromJsonPlan } from '../../src/domain/plan/json-plan.js';
import { loadPlanFile } from '../../src/domain/plan/validate-plan.js';
import { dciodvfy } from '../helpers/dicom3tools.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lb-rtrecord-'));

describe('recordPath', () => {
  const journal = '/var/journal/PLAN-fx1-2026-11-26T10-00-00-000Z.jsonl';
  it('puts the record beside the journal, named after it, when no target is given', () => {
    expect(recordPath(journal)).toBe('/var/journal/PLAN-fx1-2026-11-26T10-00-00-000Z.rtrecord.dcm');
  });
  it('puts it inside an existing folder, named after the journal, and takes any other target as the file', () => {
    const dir = tmp();
    expect(recordPath(journal, dir)).toBe(path.join(dir, 'PLAN-fx1-2026-11-26T10-00-00-000Z.rtrecord.dcm'));
    expect(recordPath(journal, path.join(dir, 'mine.dcm'))).toBe(path.join(dir, 'mine.dcm'));
  });
});

describe('writeTreatmentRecord', () => {
  const cfg = loadConfig();
  const plan = loadPlanFile(fs.readFileSync(path.join(root, 'examples/two-beam-step-and-shoot.json'), 'utf8'), 'plan', cfg.mlc, Object.keys(cfg.bridge.actionLevels), cfg.bridge.delivery);
  const record: FractionRecord = {
    patientId: plan.patientId, planId: plan.planId, fraction: 1, outcome: 'aborted', startedAt: '2026-11-26T10:00:00.000Z', endedAt: '2026-11-26T10:01:00.000Z',
    beams: [], holds: [], framesRejected: { mlc: 0, couch: 0, beam: 0 },
  };
  const source = { record, model: fromJsonPlan(plan, cfg.mlc), format: 'json' as const, operator: 'Doe^Jane', config: cfg, manufacturer: 'test' };
  const beam = { id: 1, name: 'AP', plannedMu: 60, deliveredMu1: 5, deliveredMu2: 5.01, muWithinTolerance: false, segments: [{ index: 0, plannedMu: 18, deliveredMu: 5, deliveredMu2: 5.01, apertureReadback: null }], fluence: { maxAbsErrorMu: 0, plannedTotalMu: 0, reconstructedTotalMu: 0 } };
  const stopped = { ...source, record: { ...record, beams: [beam] } };

  it('writes no record when no beam delivered any MU (A.29 needs one beam session; an empty sequence failed dciodvfy)', () => {
    const dir = tmp();
    expect(writeTreatmentRecord(source, path.join(dir, 'r.dcm'))).toBeUndefined();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('writes a valid record of a beam stopped in its first segment, and leaves no temporary file', () => {
    const dir = tmp();
    const file = writeTreatmentRecord(stopped, path.join(dir, 'r.dcm'))!;
    expect(dciodvfy(file).errors).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['r.dcm']);
  });

  it('refuses a place it cannot write, naming --record, and leaves nothing behind', () => {
    const dir = tmp();
    const blocker = path.join(dir, 'a-file');
    fs.writeFileSync(blocker, '');
    expect(() => writeTreatmentRecord(stopped, path.join(blocker, 'r.dcm'))).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', field: '--record' }));
    expect(fs.readdirSync(dir)).toEqual(['a-file']);
  });
});

describe('writeRecordFileAsync (start: off the event loop, temporary file then rename)', () => {
  const bytes = new Uint8Array([1, 2, 3, 4]);

  it('writes the bytes under the name and leaves nothing else in the folder', async () => {
    const dir = tmp();
    await writeRecordFileAsync(bytes, path.join(dir, 'r.rtrecord.dcm'));
    expect(fs.readdirSync(dir)).toEqual(['r.rtrecord.dcm']);
    expect([...fs.readFileSync(path.join(dir, 'r.rtrecord.dcm'))]).toEqual([1, 2, 3, 4]);
  });

  it('refuses a missing folder naming the field, and creates nothing', async () => {
    const dir = path.join(tmp(), 'missing');
    await expect(writeRecordFileAsync(bytes, path.join(dir, 'r.dcm'), 'records.dir')).rejects.toMatchObject({ code: 'INPUT_INVALID', field: 'records.dir', message: expect.stringContaining('ENOENT') });
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('removes its temporary file when the rename fails (the name is a folder with something in it): no half record is left', async () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'r.dcm'));
    fs.writeFileSync(path.join(dir, 'r.dcm', 'keep'), 'x');
    await expect(writeRecordFileAsync(bytes, path.join(dir, 'r.dcm'))).rejects.toMatchObject({ code: 'INPUT_INVALID', actual: path.join(dir, 'r.dcm') });
    expect(fs.readdirSync(dir)).toEqual(['r.dcm']);
  });
});
