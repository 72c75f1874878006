import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process.js';

async function cli(args: string[]) {
  const run = startCli(args);
  const code = await run.exited;
  return { code, stdout: run.stdout, stderr: run.stderr };
}

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
const chartOf = (html: string, attrs: string) => html.slice(html.indexOf(attrs)).split('</svg>')[0];

describe('linac-bridge qa run', () => {
  it('runs the daily checks on the simulators, stores them and writes report.json and report.html', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-cli-'));
    const db = path.join(dir, 'qa.sqlite');
    const out = path.join(dir, 'out');
    const r = await cli(['qa', 'run', 'daily', '--simulate', '--report', out, '--db', db, '--operator', 'dr-qa']);
    expect(r.stderr).toContain('qa: interlock-functional (1/2)');
    expect(r.code).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(Object.keys(json)).toEqual(['machine', 'startedAt', 'software', 'checks']);
    expect(json.checks.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([['interlock-functional', 'pass'], ['igrt-end-to-end', 'pass']]);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(count(chartOf(html, 'data-chart="errors" data-check="interlock-functional"'), /<rect class="bar"/g)).toBe(7);
    expect(count(chartOf(html, 'data-chart="errors" data-check="igrt-end-to-end"'), /<rect class="bar"/g)).toBe(6);
    expect(count(chartOf(html, 'data-chart="trend"'), /<circle class="point"/g)).toBe(2); // one run of each check so far
    // the QA-mode sessions are journaled beside the database, not among the room's journals
    const journals = fs.readdirSync(path.join(dir, 'qa-journal'));
    expect(journals).toHaveLength(1);
    const journal = fs.readFileSync(path.join(dir, 'qa-journal', journals[0]), 'utf8');
    expect(journal).toContain('"ENTER_QA"');
    expect(journal).toContain('"role":"physicist"');
    expect(journal).toContain('"operator":"dr-qa"');

    // a second run of one check: its trend now has two points
    const again = await cli(['qa', 'run', 'igrt-end-to-end', '--simulate', '--report', out, '--db', db]);
    expect(again.code).toBe(0);
    const html2 = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(count(chartOf(html2, 'data-chart="trend"'), /<circle class="point" data-check="igrt-end-to-end"/g)).toBe(2);
    const history = await cli(['qa', 'history', '--db', db, '--check', 'igrt-end-to-end', '--json']);
    expect(JSON.parse(history.stdout)).toHaveLength(2);
  }, 180_000);

  it('exits 1 naming the axis when an injected couch error fails the IGRT check', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-cli-'));
    const r = await cli(['qa', 'run', 'igrt-end-to-end', '--simulate', '--srs', '--inject', 'couch.lateral.offsetMm=1.5', '--db', path.join(dir, 'qa.sqlite'), '--json']);
    expect(r.code).toBe(1);
    const lateral = JSON.parse(r.stdout).checks[0].items.find((i: { id: string }) => i.id === 'lateral');
    expect(lateral.status).toBe('fail');
    expect(Math.abs(lateral.measured - 1.5)).toBeLessThanOrEqual(0.05);
  }, 120_000);

  it.each([
    [['qa', 'run', 'daily', '--simulate', '--inject', 'couch.lateral.wobbleMm=1'], 'couch.lateral.wobbleMm=1'],
    [['qa', 'run', 'weeklyish', '--simulate'], 'weeklyish'],
    [['qa', 'run', 'daily', '--simulate', '--inject', 'mlc.leaf.A61.offsetMm=0.8'], 'mlc.leaf.A61.offsetMm=0.8'],
  ])('exits 2 naming the bad input: %j', async (args, named) => {
    const r = await cli([...args, '--db', path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qa-cli-')), 'qa.sqlite')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(named);
  }, 60_000);
});
