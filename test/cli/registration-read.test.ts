import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRegFixtures, expectedReg, VR_FORMS } from '../helpers/dicom-reg-fixtures.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const run = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'registration', 'read', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
const built = buildRegFixtures();
const expected = expectedReg();
const iso = expected.isocenterLpsMm.join(',');
const file = (name: string, vr = 'explicit') => path.join(built.dir, `${name}-${vr}.dcm`);

function planFile(patientPosition = 'HFS'): string {
  const plan = JSON.parse(fs.readFileSync(path.join(root, 'examples/two-beam-step-and-shoot.json'), 'utf8'));
  Object.assign(plan, { patientId: 'PHANTOM-REG', frameOfReferenceUid: expected.planFrameUid, isocenterLpsMm: expected.isocenterLpsMm, patientPosition });
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-reg-plan-')), 'plan.json');
  fs.writeFileSync(f, JSON.stringify(plan));
  return f;
}

function expectClose(got: Record<string, number>, want: Record<string, number>, what: string): void {
  for (const [axis, v] of Object.entries(want)) expect(Math.abs(got[axis] - v), `${what} ${axis}`).toBeLessThan(0.01);
}

describe('linac-bridge registration read (CLI contract)', () => {
  const usable = Object.entries(expected.cases).filter(([, c]) => c.usable);
  for (const vr of VR_FORMS) {
    for (const [name, exp] of usable) {
      it(`${name} (${vr} VR): prints expected.py's correction, the frames and the time (--isocenter-lps, HFS, ${expected.localTimeZone})`, () => {
        if (!exp.usable) return;
        const r = run([file(name, vr), '--isocenter-lps', iso, '--patient-position', 'HFS', '--frame-uid', expected.planFrameUid, '--time-zone', expected.localTimeZone, '--json']);
        expect(r.status, `${name}: ${r.stderr}`).toBe(0);
        const out = JSON.parse(r.stdout);
        expect(Object.keys(out)).toEqual(['correction', 'frames', 'acquiredAt', 'classification', 'reasons']);
        expectClose(out.correction, exp.correction.HFS as unknown as Record<string, number>, name);
        expect(out.frames).toEqual(exp.frames);
        expect(out.acquiredAt).toBe(exp.registeredAt);
      });
    }
  }

  it('reads the isocentre, frame and patient position from --plan, and grades against the plan protocol', () => {
    const exp = expected.cases['rot-x'];
    const r = run([file('rot-x'), '--plan', planFile(), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    if (exp.usable) expectClose(out.correction, exp.correction.HFS as unknown as Record<string, number>, 'rot-x');
    expect(out.classification).toBe('review'); // 2° is above the conventional apply level of 1°
  });

  it('maps to the table-top axes by patient position: the same translation for FFS and HFDR', () => {
    const exp = expected.cases.translation;
    for (const pos of ['FFS', 'HFDR'] as const) {
      const r = run([file('translation'), '--isocenter-lps', iso, '--patient-position', pos, '--json']);
      expect(r.status, r.stderr).toBe(0);
      if (exp.usable) expectClose(JSON.parse(r.stdout).correction, exp.correction[pos] as unknown as Record<string, number>, pos);
      // no --frame-uid: the registered frame is taken as the plan's, and the output says so
      expect(JSON.parse(r.stdout).reasons[0]).toMatch(/plan frame of reference not given: taken to be the registered frame 2\.25\.1001/);
    }
  });

  it('exits 2 naming the reason when the object cannot be used, without a stack trace', () => {
    for (const [name, exp] of Object.entries(expected.cases)) {
      if (exp.usable) continue;
      const r = run([file(name), '--plan', planFile(), '--json']);
      expect(r.status, name).toBe(2);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'REG_INVALID', field: exp.field });
      expect(r.stderr).toContain(exp.field);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const wrongPosition = run([file('two-items'), '--plan', planFile('FFS'), '--json']);
    expect(JSON.parse(wrongPosition.stdout).error).toMatchObject({ field: 'dicom.PatientPosition' });
    const noGeometry = run([file('translation')]);
    expect(noGeometry.status).toBe(2);
    expect(noGeometry.stderr).toMatch(/--isocenter-lps/);
    const notDicom = run([path.join(root, 'package.json').replace('.json', '.dcm')]);
    expect(notDicom.status).toBe(2);
    expect(notDicom.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads a JSON registration message too (no frames); (1, 2, 3) mm is 3.74 mm in 3D, graded review', () => {
    const msg = {
      id: 'j1', patientId: 'P', planId: 'PL', fraction: 1, imageSeries: 'CBCT', acquiredAt: '2026-03-15T09:15:00Z', registeredAt: '2026-03-15T09:16:00Z', method: 'bony', roiName: 'PTV',
      correction: { lateral: 1, longitudinal: 2, vertical: 3, pitch: 0.1, roll: 0, yaw: 0 }, units: { translation: 'mm', rotation: 'deg' }, quality: 1, source: 'x',
    };
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-reg-json-')), 'm.json');
    fs.writeFileSync(f, JSON.stringify(msg));
    const out = JSON.parse(run([f, '--json']).stdout);
    expect(out).toMatchObject({ correction: { lateralMm: 1, longitudinalMm: 2, verticalMm: 3, pitchDeg: 0.1 }, frames: null, acquiredAt: '2026-03-15T09:15:00.000Z', classification: 'review' });
  });
});
