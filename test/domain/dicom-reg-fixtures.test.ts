import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDicomDataset } from '../../src/bridge/registration-sources/folder-source.js';
import { PATIENT_POSITIONS, type PatientPosition } from '../../src/domain/registration/patient-position.js';
import { readSpatialRegistration } from '../../src/domain/registration/spatial-registration.js';
import { buildRegFixtures, expectedReg, REG_FIXTURES, VR_FORMS } from '../helpers/dicom-reg-fixtures.js';

const built = buildRegFixtures();
const expected = expectedReg();
const cases = Object.entries(expected.cases);
const ctx = (patientPosition: PatientPosition) => ({
  planId: 'PLAN', fraction: 1, localTimeZone: expected.localTimeZone,
  geometry: { frameOfReferenceUid: expected.planFrameUid, isocenterLpsMm: expected.isocenterLpsMm, patientPosition },
});
const read = (name: string, vr: string, pos: PatientPosition) => readSpatialRegistration(readDicomDataset(path.join(built.dir, `${name}-${vr}.dcm`)), ctx(pos));

describe('DICOM Spatial Registration fixtures built by dcmtk', () => {
  it('rebuilds every dump with dump2dcm in explicit and implicit VR, and dciodvfy reports no errors', () => {
    const dumps = fs.readdirSync(path.join(REG_FIXTURES, 'dumps')).filter((f) => f.endsWith('.dump'));
    const lines = built.report.split('\n').filter((l) => l.endsWith('.dcm') || / errors=/.test(l));
    expect(lines).toHaveLength(dumps.length * 2);
    for (const l of lines) expect(l).toMatch(/ errors=0 /);
  });

  for (const [name, exp] of cases) {
    for (const vr of VR_FORMS) {
      if (!exp.usable) {
        it(`${name} (${vr} VR): refused, naming ${exp.field}`, () => {
          expect(() => read(name, vr, 'HFS')).toThrowError(expect.objectContaining({ code: 'REG_INVALID', field: exp.field }));
        });
        continue;
      }
      it(`${name} (${vr} VR): the correction about the isocentre, frames and time match expected.py for every patient position the object allows`, () => {
        const positions = PATIENT_POSITIONS.filter((p) => !fs.readFileSync(path.join(REG_FIXTURES, 'dumps', `${name}.dump`), 'utf8').includes('(0018,5100)') || p === 'HFS');
        for (const pos of positions) {
          const r = read(name, vr, pos);
          for (const [axis, v] of Object.entries(exp.correction[pos])) expect(Math.abs(r.correction[axis as keyof typeof r.correction] - v), `${pos} ${axis}`).toBeLessThan(1e-3);
          expect(r.frames).toMatchObject(exp.frames);
          expect(new Date(r.registeredAtEpochMs).toISOString()).toBe(exp.registeredAt);
        }
      });
    }
  }

  it('refuses an object whose patient position is not the plan\'s, naming PatientPosition', () => {
    expect(() => read('two-items', 'explicit', 'FFS')).toThrowError(expect.objectContaining({ code: 'REG_INVALID', field: 'dicom.PatientPosition' }));
  });
});
