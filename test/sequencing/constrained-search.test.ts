import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMlcModel } from '../../src/config/load-config.js';
import { parseFluenceCsv } from '../../src/domain/sequencing/fluence-map.js';
import { sequenceMap, type SequenceOptions } from '../../src/domain/sequencing/sequence-map.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const dir = path.join(root, 'test/fixtures/leaf-sequencing');
const checker = path.join(dir, 'checker/check_constrained.py');
const mlc = loadMlcModel('agility');
const opts = (method: 'improved' | 'sweep'): SequenceOptions => ({ method, interleaf: true, tongueGroove: true, bixelWidthMm: 5, doseRateMuPerMin: 600, minSegmentMu: 1, minOpenAreaMm2: 0, segmentOverheadS: 0.5 });
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.csv') && f !== 'bounds.csv').sort();

interface CheckerLine {
  map: string;
  reconstructionErrors: number;
  interdigitationViolations: number;
  tongueGrooveViolations: number;
  edgeMismatches: number;
  edgesForEveryRow: boolean;
  tnmu: number;
  segmentCount: number;
  referenceConstrainedTnmu: number;
}

describe('constrained segments beyond unidirectional sweeps (no interdigitation + tongue-and-groove)', () => {
  it('on the 27 public maps: 0 violations and TNMU = the constrained minimum by an independent Python checker, mean K at least 15 % below the sweep', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-constrained-'));
    let kImproved = 0;
    let kSweep = 0;
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const map = parseFluenceCsv(text, f);
      const improved = await sequenceMap(map, mlc, opts('improved'));
      const sweep = await sequenceMap(map, mlc, opts('sweep'));
      expect(improved.tnmu, f).toBe(sweep.tnmu); // both the constrained minimum (the sweep's least solution)
      expect(improved.segmentCount, f).toBeLessThanOrEqual(sweep.segmentCount);
      kImproved += improved.segmentCount;
      kSweep += sweep.segmentCount;
      fs.writeFileSync(path.join(tmp, f), text);
      fs.writeFileSync(path.join(tmp, f.replace(/\.csv$/, '.json')), JSON.stringify(improved));
    }
    const run = spawnSync('/usr/bin/python3', [checker, tmp], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as CheckerLine);
    expect(lines).toHaveLength(files.length);
    for (const c of lines) {
      expect(c, c.map).toMatchObject({ reconstructionErrors: 0, interdigitationViolations: 0, tongueGrooveViolations: 0, edgeMismatches: 0, edgesForEveryRow: true });
      expect(c.tnmu, c.map).toBe(c.referenceConstrainedTnmu);
    }
    expect(kImproved).toBeLessThanOrEqual(0.85 * kSweep);
  });

  it('honours interdigitation alone and tongue-and-groove alone, each at its own minimum TNMU with 0 violations', async () => {
    const map = parseFluenceCsv(fs.readFileSync(path.join(dir, 'case1-beam1.csv'), 'utf8'), 'case1-beam1.csv');
    for (const [interleaf, tongueGroove] of [[true, false], [false, true]] as const) {
      const improved = await sequenceMap(map, mlc, { ...opts('improved'), interleaf, tongueGroove });
      const sweep = await sequenceMap(map, mlc, { ...opts('sweep'), interleaf, tongueGroove });
      expect(improved.tnmu).toBe(sweep.tnmu);
      expect(improved.segmentCount).toBeLessThanOrEqual(sweep.segmentCount);
      expect(improved.constraints.reconstruction.violations).toBe(0);
      expect(improved.constraints.interdigitation.violations).toBe(0);
      expect(improved.constraints.tongueAndGroove.violations).toBe(0);
    }
  });
});
