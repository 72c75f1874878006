import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FractionRecord } from '../../src/bridge/fraction-record.js';
import { configInTmp } from '../helpers/config-in-tmp.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const fixtures = path.join(root, 'test/fixtures/rtplan');
const run = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

/** The default config with the Agility MLC (the room the Monaco plan is for). */
function room(mlcModel = 'agility'): { file: string; journal: string } {
  const { file, dir } = configInTmp();
  const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
  cfg.mlcModel = mlcModel;
  fs.writeFileSync(file, JSON.stringify(cfg));
  return { file, journal: path.join(dir, 'journal') };
}

const journals = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : []);

describe('linac-bridge simulate <rtplan.dcm>', () => {
  it('delivers the two static Agility beams of a DICOM RT Plan: 20 and 30 MU within 0.1 MU, fluence from readback exact', () => {
    const { file } = room();
    const r = run(['--config', file, 'simulate', path.join(fixtures, 'derived/agility-2beam-explicit.dcm'), '--json', '--time-scale', '10']);
    expect(r.status, r.stderr).toBe(0);
    const rec = JSON.parse(r.stdout) as FractionRecord;
    expect(rec.outcome).toBe('complete');
    expect(rec.beams.map((b) => b.plannedMu)).toEqual([20, 30]);
    for (const b of rec.beams) {
      expect(Math.abs(b.deliveredMu1 - b.plannedMu)).toBeLessThanOrEqual(0.1);
      expect(b.fluence!.maxAbsErrorMu).toBeLessThanOrEqual(0.01);
    }
  });

  it.each([
    ['derived/truncated.dcm', 'agility', /dicom\(truncated\.dcm\)/],
    ['derived/leaf-beyond-travel.dcm', 'agility', /plan\.beams\.0\.controlPoints\.0\.leaves\.bankAMm\.40 = 250 mm/],
    ['derived/non-monotonic-weights.dcm', 'millennium-120', /plan\.beams\.0\.controlPoints\.10\.cumulativeWeight/],
    ['derived/unknown-mlc.dcm', 'agility', /dicom\.BeamSequence\[0\]\.BeamLimitingDeviceSequence\[1\]\.LeafPositionBoundaries\[0\]/],
    ['derived/wrong-energy.dcm', 'agility', /plan\.beams\.0\.energy = PHOTON 18/],
    ['derived/arc.dcm', 'agility', /plan\.beams\.0\.controlPoints\.gantryRotation.*arc/],
    ['dicompyler_rtplan_dmlc_m120.dcm', 'agility', /plan\.beams\.0\.mlc\.model = millennium-120.*and 3 more violations/],
  ])('refuses %s on a %s room with exit 2 naming the field, and delivers nothing', (f, mlc, field) => {
    const { file, journal } = room(mlc);
    const r = run(['--config', file, 'simulate', path.join(fixtures, f), '--time-scale', '10']);
    expect(r.status, r.stdout).toBe(2);
    expect(r.stderr).toMatch(/PLAN_INVALID/);
    expect(r.stderr).toMatch(field);
    expect(journals(journal)).toEqual([]); // no session was started: nothing journaled, nothing delivered
  });
});
