import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FractionRecord } from '../../src/bridge/fraction-record.js';
import { configInTmp } from '../helpers/config-in-tmp.js';
import { readJournal } from '../../src/journal/journal.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');


const run = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('linac-bridge simulate', () => {
  it('delivers the two-beam example end to end: MU within 0.1 on both channels, couch at the approved target', () => {
    const { file } = configInTmp();
    const r = run(['--config', file, 'simulate', 'examples/two-beam-step-and-shoot.json', '--json', '--time-scale', '10']);
    expect(r.status, r.stderr).toBe(0);
    const rec = JSON.parse(r.stdout) as FractionRecord;
    expect(rec.outcome).toBe('complete');
    expect(rec.beams.map((b) => b.plannedMu)).toEqual([60, 48]);
    for (const b of rec.beams) {
      expect(Math.abs(b.deliveredMu1 - b.plannedMu)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(b.deliveredMu2 - b.plannedMu)).toBeLessThanOrEqual(0.1);
      expect(b.segments.every((s) => Math.abs(s.deliveredMu - s.plannedMu) <= 0.01)).toBe(true);
      expect(b.fluence!.maxAbsErrorMu).toBeLessThanOrEqual(0.01);
    }
    expect(rec.couch!.withinTolerance).toBe(true);
    expect(rec.couch!.maxDeviationMm).toBeLessThanOrEqual(0.5);
    const kinds = new Set(readJournal(rec.journal!).entries.map((e) => e.kind));
    for (const k of ['state', 'command', 'mu-checkpoint', 'registration', 'operator']) expect(kinds).toContain(k);
  });

  it('exits 2 with a clear error for a corrupt plan', () => {
    const { file, dir } = configInTmp();
    const plan = JSON.parse(fs.readFileSync(path.join(root, 'examples/two-beam-step-and-shoot.json'), 'utf8'));
    plan.beams[0].segments[0].mu = Number.NaN; // serialises as null
    const planFile = path.join(dir, 'bad.json');
    fs.writeFileSync(planFile, JSON.stringify(plan));
    const r = run(['--config', file, 'simulate', planFile]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/PLAN_INVALID.*plan\.beams\.0\.segments\.0\.mu/);
  });

  it('exits 2 naming the option for a malformed --setup-error', () => {
    const { file } = configInTmp();
    const r = run(['--config', file, 'simulate', 'examples/two-beam-step-and-shoot.json', '--setup-error', '1,2,three,0,0,0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--setup-error/);
  });
});
