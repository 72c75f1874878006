import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configInTmp } from '../helpers/config-in-tmp.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const fixtures = path.join(root, 'test/fixtures/rtplan');
const expected = JSON.parse(fs.readFileSync(path.join(fixtures, 'expected.json'), 'utf8'));
const run = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('linac-bridge plan show', () => {
  it.each([
    ['dicompyler_rtplan_dmlc_m120.dcm', 0],
    ['pydicom_rtplan_jaws_only.dcm', 1], // 650 MU/min at 6 MV: above the default machine's 600
    ['pymedphys_06MV_plan_agility_static_noP10.dcm', 1], // an Agility plan on the default Millennium machine
  ])('prints %s as the normalised plan (exit %i: deliverable here or not)', (f, code) => {
    const { file } = configInTmp();
    const r = run(['--config', file, 'plan', 'show', path.join(fixtures, f), '--json']);
    expect(r.status, r.stderr).toBe(code);
    const o = JSON.parse(r.stdout);
    const e = expected[f];
    expect([o.patientId, o.planLabel, o.isocenterLpsMm, o.patientPosition]).toEqual([e.patientId, e.planLabel, e.isocenterLpsMm, e.patientPosition]);
    expect(o.beams.map((b: Record<string, unknown>) => [b.number, b.name, b.meterset, b.controlPoints, (b.mlc as { pairs: number } | null)?.pairs ?? null])).toEqual(
      e.beams.map((b: Record<string, unknown>) => [b.number, b.name, b.meterset, (b.controlPoints as unknown[]).length, b.mlcPairs]),
    );
    expect(o.beams.every((b: { technique: string; energy: { nominal: number } }) => typeof b.technique === 'string' && b.energy.nominal > 0)).toBe(true);
    expect(o.checks.violations.length > 0).toBe(code === 1);
    expect(o.simulate.deliverable).toBe(code === 0); // the sliding-window plan is delivered (dynamic); the other two are refused by the checks
  });

  it('says simulate can deliver the two static Agility beams on an Agility machine, and why not an arc', () => {
    const { file } = configInTmp();
    const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...cfg, mlcModel: 'agility' }));
    const ok = JSON.parse(run(['--config', file, 'plan', 'show', path.join(fixtures, 'derived/agility-2beam-explicit.dcm'), '--json']).stdout);
    expect(ok.simulate).toEqual({ deliverable: true });
    const arc = run(['--config', file, 'plan', 'show', path.join(fixtures, 'derived/arc.dcm'), '--json']);
    expect(arc.status).toBe(0);
    expect(JSON.parse(arc.stdout).simulate.reason).toMatch(/plan\.beams\.0\.controlPoints\.gantryRotation.*beam 1 \(02x02\) is an arc/);
  });

  it('names the refusal in text mode: the Agility plan is for another MLC', () => {
    const { file } = configInTmp();
    const r = run(['--config', file, 'plan', 'show', path.join(fixtures, 'pymedphys_06MV_plan_agility_static_noP10.dcm')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/plan\.beams\.0\.mlc\.model = agility: .*plan is for MLC agility, this machine has millennium-120/);
  });

  it('exits 2 naming the file for a truncated DICOM file', () => {
    const { file } = configInTmp();
    const r = run(['--config', file, 'plan', 'show', path.join(fixtures, 'derived/truncated.dcm')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/PLAN_INVALID.*dicom\(truncated\.dcm\).*truncated or corrupt/);
  });

  it('adds every control point with its cumulative MU under --full', () => {
    const { file } = configInTmp();
    const r = run(['--config', file, 'plan', 'show', path.join(fixtures, 'derived/agility-2beam-explicit.dcm'), '--json', '--full']);
    const o = JSON.parse(r.stdout);
    expect(o.beams[1].controlPoints.map((c: { cumulativeMu: number }) => c.cumulativeMu)).toEqual([0, 30]);
    expect(o.beams[1].controlPoints[0].leaves.bankAMm).toHaveLength(80);
  });
});
