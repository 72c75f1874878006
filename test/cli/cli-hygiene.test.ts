import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configInTmp } from '../helpers/config-in-tmp.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const bin = path.join(root, 'bin/linac-bridge.js');
const run = (args: string[], cwd = root) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lb-cli-'));
const STACK = /\n\s+at /;

describe('output is complete when stdout is a pipe', () => {
  it('a multi-megabyte `sequence --json` piped through a slow reader arrives whole and parses, exit 0', () => {
    // 60 × 80 map, levels 0..99 (fixed LCG): ≈ 3.4 MB of sliding-window control points
    let seed = 11;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const rows = Array.from({ length: 60 }, () => Array.from({ length: 80 }, () => Math.floor(rnd() * 100)).join(','));
    const dir = tmpDir();
    const map = path.join(dir, 'big.csv');
    fs.writeFileSync(map, `${rows.join('\n')}\n`);
    const reader = "import sys,time\nout=b''\nwhile True:\n  c=sys.stdin.buffer.read(16384)\n  if not c: break\n  out+=c\n  time.sleep(0.002)\nsys.stdout.buffer.write(out)";
    fs.writeFileSync(path.join(dir, 'slow.py'), reader);
    const cmd = `"${process.execPath}" "${bin}" sequence "${map}" --method sliding-window --json | /usr/bin/python3 "${path.join(dir, 'slow.py')}"; exit \${PIPESTATUS[0]}`;
    const r = spawnSync('bash', ['-c', cmd], { cwd: root, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(2 * 1024 * 1024);
    const out = JSON.parse(r.stdout) as { method: string; rows: number; cols: number; controlPoints: unknown[] };
    expect(out).toMatchObject({ method: 'sliding-window', rows: 60, cols: 80 });
    const direct = run(['sequence', map, '--method', 'sliding-window', '--json']); // spawnSync reads everything: the reference
    expect(r.stdout).toBe(direct.stdout);
  });
});

describe('usage errors exit 2 without a stack trace', () => {
  it.each([
    ['a missing argument', ['simulate'], /missing required argument/],
    ['an unknown command', ['bogus'], /unknown command/],
    ['an unknown option', ['sequence', 'x.csv', '--bogus'], /unknown option/],
    ['a hex pose', ['couch', 'correction', '--pose', '0x10,0,0,0,0,0', '--shift', '0,0,0,0,0,0', '--isocenter', '0,0,0'], /--pose/],
    ['a non-number --min-segment-mu', ['sequence', path.join(root, 'test/fixtures/leaf-sequencing/case1-beam1.csv'), '--min-segment-mu', 'abc'], /--min-segment-mu/],
    ['a non-number --exit-after', ['start', '--simulate', '--exit-after', 'abc'], /--exit-after/],
    ['a port out of range', ['sim', 'mlc', '--port', '99999'], /--port/],
    ['a fractional --max-resumes', ['simulate', 'examples/two-beam-step-and-shoot.json', '--max-resumes', '1.5'], /--max-resumes/],
    ['an empty --operator', ['simulate', 'examples/two-beam-step-and-shoot.json', '--operator', ''], /--operator/],
    ['a newline in --operator', ['simulate', 'examples/two-beam-step-and-shoot.json', '--operator', 'sim\nfraction COMPLETE'], /--operator/],
    ['a missing plan file', ['simulate', 'no-such-plan.json'], /no-such-plan\.json.*no such file/],
    ['a missing margins input', ['margins', 'no-such-journal'], /no-such-journal/],
    ['a couch model id that is a path', ['couch', 'correction', '--pose', '0,0,0,0,0,0', '--shift', '0,0,0,0,0,0', '--isocenter', '0,0,0', '--couch', '../mlc/agility'], /unknown couch model/],
  ])('%s', (_n, args, message) => {
    const r = run(args);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a port already in use is one line, exit 2', async () => {
    const server = net.createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
    try {
      const child = spawn(process.execPath, [bin, 'sim', 'mlc', '--port', String(port)], { cwd: root });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(status).toBe(2);
      expect(stderr).toMatch(/EADDRINUSE/);
      expect(stderr).not.toMatch(STACK);
    } finally {
      server.close();
    }
  });

  it('--version prints the package version, exit 0', () => {
    const r = run(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
  });
});

describe('plans the bridge must refuse before starting a room', () => {
  const planWith = (mutate: (p: Record<string, any>) => void): string => {
    const p = JSON.parse(fs.readFileSync(path.join(root, 'examples/two-beam-step-and-shoot.json'), 'utf8'));
    mutate(p);
    const f = path.join(tmpDir(), 'plan.json');
    fs.writeFileSync(f, JSON.stringify(p));
    return f;
  };

  it('a 5000 MU beam: exit 2 naming the beam and the machine limit', () => {
    const r = run(['simulate', planWith((p) => (p.beams[0].segments = Array.from({ length: 5 }, () => ({ ...p.beams[0].segments[0], mu: 1000 }))))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/plan\.beams\.0\.mu = 5000 MU: beam MU above the machine maximum/);
  });

  it('a 1e-9 MU segment: exit 2 (it was summarised as "planned 0 MU … OK")', () => {
    const r = run(['simulate', planWith((p) => (p.beams[1].segments[0].mu = 1e-9))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/plan\.beams\.1\.segments\.0\.mu/);
  });

  it('a planId that is a path: exit 2 and no journal is written outside its folder', () => {
    const name = `lb-escape-${process.pid}`;
    const r = run(['simulate', planWith((p) => (p.planId = `../../../../../../../tmp/${name}`))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/plan\.planId/);
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith(name))).toEqual([]);
  });

  it('an unknown key in a plan: exit 2 naming its path', () => {
    const r = run(['simulate', planWith((p) => (p.beams[0].collimatorDeg = 90))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/plan\.beams\.0\.collimatorDeg: unknown key/);
  });
});

describe('the journal folder', () => {
  it('is resolved against the config file folder, whatever the working directory', () => {
    const { file, dir } = configInTmp('lb-jdir-');
    const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
    cfg.journal.dir = 'records';
    fs.writeFileSync(file, JSON.stringify(cfg));
    const elsewhere = tmpDir();
    const r = run(['--config', file, 'start', '--simulate', '--exit-after', '300'], elsewhere);
    expect(r.status, r.stderr).toBe(0);
    const journal = /journal (\S+)/.exec(r.stdout)?.[1];
    expect(path.dirname(journal!)).toBe(path.join(dir, 'config', 'records'));
    expect(fs.existsSync(journal!)).toBe(true);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});
