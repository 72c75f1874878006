/**
 * Hostile and careless RT Plan files (test/fixtures/rtplan/adversarial/build.sh, made by dcmtk;
 * dciodvfy calls the three bad numbers "Value invalid for this VR"): each is refused whole with
 * PLAN_INVALID naming the attribute, never imported with a value changed or carried forward.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlanBytes } from '../../src/bridge/plan-source.js';
import { loadAllMlcModels } from '../../src/config/load-config.js';
import { BridgeError } from '../../src/core/bridge-error.js';
import { importRtPlanBytes } from '../../src/domain/plan/dicom/import-rt-plan.js';
import { refusal } from '../helpers/refusal.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const dir = path.join(root, 'test/fixtures/rtplan');
const models = loadAllMlcModels();
const read = (f: string) => fs.readFileSync(path.join(dir, f));


describe('an RT Plan with a bad number or a broken reference', () => {
  it.each([
    ['meterset-decimal-comma.dcm', 'dicom.FractionGroupSequence[0].ReferencedBeamSequence[0].BeamMeterset', '2,0'],
    ['gantry-nan-cp1.dcm', 'dicom.BeamSequence[0].ControlPointSequence[1].GantryAngle', 'NaN'],
    ['dose-rate-infinity.dcm', 'dicom.BeamSequence[0].ControlPointSequence[0].DoseRateSet', 'Infinity'],
  ])('refuses %s naming the attribute and the text as written', (file, field, actual) => {
    const e = refusal(() => importRtPlanBytes(read(`adversarial/${file}`), models));
    expect([e.code, e.field, e.actual]).toEqual(['PLAN_INVALID', field, actual]);
  });

  it('refuses a negative dose rate instead of reading it as "no dose rate"', () => {
    const e = refusal(() => importRtPlanBytes(read('adversarial/dose-rate-negative.dcm'), models));
    expect([e.code, e.field, e.actual]).toEqual(['PLAN_INVALID', 'dicom.BeamSequence[0].ControlPointSequence[0].DoseRateSet', -600]);
  });

  it('refuses an angle outside [0, 360)', () => {
    const e = refusal(() => importRtPlanBytes(read('adversarial/collimator-720.dcm'), models));
    expect([e.code, e.field, e.actual]).toEqual(['PLAN_INVALID', 'dicom.BeamSequence[0].ControlPointSequence[0].BeamLimitingDeviceAngle', 720]);
  });

  it.each([
    ['fractions-zero.dcm', 0],
    ['fractions-negative.dcm', -2],
  ])('refuses %s: Number of Fractions Planned below 1', (file, actual) => {
    const e = refusal(() => importRtPlanBytes(read(`adversarial/${file}`), models));
    expect([e.code, e.field, e.actual]).toEqual(['PLAN_INVALID', 'dicom.FractionGroupSequence[0].NumberOfFractionsPlanned', actual]);
  });

  it.each([
    ['isocenter-two-values.dcm', 2],
    ['isocenter-four-values.dcm', 4],
  ])('refuses %s instead of dropping the isocentre', (file, actual) => {
    const e = refusal(() => importRtPlanBytes(read(`adversarial/${file}`), models));
    expect([e.code, e.field, e.actual]).toEqual(['PLAN_INVALID', 'dicom.BeamSequence[0].ControlPointSequence[0].IsocenterPosition', actual]);
  });

  it('refuses a fraction group that references a beam the plan does not hold', () => {
    const e = refusal(() => importRtPlanBytes(read('adversarial/fraction-references-missing-beam.dcm'), models));
    expect([e.code, e.field, e.actual]).toEqual(['PLAN_INVALID', 'dicom.FractionGroupSequence[0].ReferencedBeamSequence', 9]);
  });
});

describe('a truncated or foreign file', () => {
  it('refuses the two-beam plan cut at every 37th byte, and at every byte of its last element', () => {
    const whole = read('derived/agility-2beam-explicit.dcm');
    // the last element is Approval Status (300E,0002) CS "UNAPPROVED": 8 header bytes + 10; dcmjs
    // reads a value cut short there without complaint, the element walker refuses it
    const lastElementBytes = 18;
    const cuts = [...Array.from({ length: Math.ceil(whole.length / 37) }, (_, k) => k * 37), ...Array.from({ length: lastElementBytes - 1 }, (_, k) => whole.length - k - 1)];
    const accepted: number[] = [];
    for (const n of cuts) {
      if (n === whole.length - lastElementBytes) continue; // a whole data set without Approval Status
      try {
        importRtPlanBytes(whole.subarray(0, n), models);
        accepted.push(n);
      } catch (e) {
        expect(e).toBeInstanceOf(BridgeError);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('refuses the plan with any sequence length flipped, off by one, huge or made undefined (a sequence never closed: the file has no delimiters)', () => {
    const whole = read('derived/agility-2beam-explicit.dcm');
    const sq: number[] = []; // explicit VR LE: tag, "SQ", 2 reserved bytes, 4-byte length
    for (let i = 132; i + 12 <= whole.length; i++) if (whole[i + 4] === 0x53 && whole[i + 5] === 0x51 && whole[i + 6] === 0 && whole[i + 7] === 0) sq.push(i);
    expect(sq.length).toBeGreaterThan(10);
    let tried = 0;
    for (const i of sq) {
      const len = whole.readUInt32LE(i + 8);
      for (const bad of [len ^ 0x100, len + 1, 0xfffffff0, 0xffffffff]) {
        if (bad === len) continue; // 0xffffffff: undefined length, and no Sequence Delimitation Item follows
        const m = Buffer.from(whole);
        m.writeUInt32LE(bad >>> 0, i + 8);
        expect(refusal(() => importRtPlanBytes(m, models)).code).toBe('PLAN_INVALID');
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(40);
  });

  it('refuses an empty file, text, and random bytes with PLAN_INVALID', () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('hello, not a plan\n'), Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256))]) {
      expect(refusal(() => importRtPlanBytes(bytes, models)).code).toBe('PLAN_INVALID');
    }
  });

  it('refuses a plan file larger than the limit by its size, before reading it (sparse file)', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rtplan-big-'));
    const big = path.join(tmp, 'big.dcm');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, 200 * 1024 * 1024); // sparse: no blocks written
    try {
      const e = refusal(() => readPlanBytes(big));
      expect([e.code, e.field, e.actual]).toEqual(['LIMIT_EXCEEDED', `${big}.bytes`, 200 * 1024 * 1024]);
      expect(e.message).not.toMatch(/JSON/); // a DICOM file is not JSON input
      const r = spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'plan', 'show', big], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('refuses a directory given as the plan with exit 2 and no stack', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'plan', 'show', dir], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
