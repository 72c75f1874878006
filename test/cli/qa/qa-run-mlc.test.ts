import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process.js';

interface Item {
  id: string;
  measured: number;
  error: number;
  status: string;
}

async function qa(args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-mlc-cli-'));
  const run = startCli(['qa', 'run', ...args, '--simulate', '--db', path.join(dir, 'qa.sqlite'), '--report', path.join(dir, 'out')]);
  const code = await run.exited;
  const report = fs.existsSync(path.join(dir, 'out', 'report.json')) ? JSON.parse(fs.readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')) : undefined;
  const items: Item[] = report?.checks[0]?.items ?? [];
  // why a run failed, for the assertion message: the report's own reason is in its HTML notes
  const html = fs.existsSync(path.join(dir, 'out', 'report.html')) ? fs.readFileSync(path.join(dir, 'out', 'report.html'), 'utf8').replace(/<[^>]*>/g, ' ') : '';
  const why = `${run.stderr.slice(-600)} | ${html.match(/could not complete[^|]{0,300}/)?.[0] ?? ''} | ${html.match(/notes?[^|]{0,300}/i)?.[0] ?? ''}`;
  return { code, stdout: run.stdout, stderr: run.stderr, dir, check: report?.checks[0], items, flagged: items.filter((i) => i.status !== 'pass'), why };
}

describe('linac-bridge qa run: the MLC checks', () => {
  it('mlc-leaf-position passes a healthy MLC, and fails naming A17 at 0.8 mm when it is injected there', async () => {
    const healthy = await qa(['mlc-leaf-position']);
    expect(healthy.code, healthy.why).toBe(0);
    expect(healthy.check).toMatchObject({ name: 'mlc-leaf-position', status: 'pass' });
    expect(healthy.items).toHaveLength(120);

    const r = await qa(['mlc-leaf-position', '--inject', 'mlc.leaf.A17.offsetMm=0.8']);
    expect(r.code, r.why).toBe(1);
    expect(r.flagged.map((i) => [i.id, i.status])).toEqual([['A17', 'fail']]);
    expect(Math.abs(r.flagged[0].error - 0.8)).toBeLessThanOrEqual(0.05);
    expect(r.stdout).toMatch(/fail\s+A17: measured/);
  }, 120_000);

  it('mlc-leaf-speed passes a healthy MLC, and fails naming B3 when it moves no faster than 15 mm/s', async () => {
    const healthy = await qa(['mlc-leaf-speed']);
    expect(healthy.code, healthy.why).toBe(0);
    expect(healthy.check).toMatchObject({ name: 'mlc-leaf-speed', status: 'pass' });

    const r = await qa(['mlc-leaf-speed', '--inject', 'mlc.leaf.B3.speedMmPerS=15']);
    expect(r.code, r.why).toBe(1);
    expect(r.flagged.map((i) => [i.id, i.status])).toEqual([['B3', 'fail']]);
    expect(Math.abs(r.flagged[0].measured - 15)).toBeLessThan(1);
  }, 120_000);

  it('mlc-sliding-window passes a healthy MLC with its log gamma, and with a clinic row of 1 mm fails naming B3 when it is slow', async () => {
    const healthy = await qa(['mlc-sliding-window']);
    expect(healthy.code, healthy.why).toBe(0);
    expect(healthy.check).toMatchObject({ name: 'mlc-sliding-window', status: 'pass', tolerance: { leafRms: { tolerance: 3.5 }, fluenceGamma: { tolerance: 10, action: 5 } } });
    const gamma = healthy.items.find((i) => i.id === 'log.gamma')!;
    expect(gamma).toMatchObject({ status: 'pass', expected: 100 });
    // the delivery log was written beside the report, and `log analyze` (the trajectory-log reader) finds the same gamma in it
    const bin = path.join(healthy.dir, 'out', 'mlc-sliding-window.bin');
    const analyze = startCli(['log', 'analyze', bin, '--gamma-dose', '3', '--gamma-distance', '2', '--gamma-cutoff', '10', '--json']);
    expect(await analyze.exited).toBe(0);
    const [log] = JSON.parse(analyze.stdout).logs;
    expect(log).toMatchObject({ format: 'trajectory', leaves: 120 });
    expect(Math.abs(log.gamma.passPercent - gamma.measured)).toBeLessThanOrEqual(0.01);

    const clinic = path.join(healthy.dir, 'clinic.json');
    fs.writeFileSync(clinic, JSON.stringify({ name: 'clinic IMRT', rows: { 'mlc.slidingWindowRmsMm': { tolerance: 1, action: 0.5, unit: 'mm', source: 'clinic: per-leaf RMS' } } }));
    const r = await qa(['mlc-sliding-window', '--inject', 'mlc.leaf.B3.speedMmPerS=15', '--tolerances', clinic]);
    expect(r.code, r.why).toBe(1);
    expect(r.flagged.map((i) => [i.id, i.status])).toEqual([['B3', 'fail']]);
  }, 120_000);
});
