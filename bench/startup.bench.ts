/**
 * CLI start-up: wall time of `linac-bridge --version`, `--help` and a small `sequence`
 * run, each as a fresh child process, against bare `node -e 0` measured in the same
 * run and interleaved with it (hyperfine-like: warm-up, then alternating runs, so
 * machine load hits both alike). The goal is `--version` within 3× `node -e 0`.
 * Run from the compiled build (`npm run build` first), as an installed CLI is.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/core/project-root.js';
import { fmt, summarise } from './timing.js';

const BIN = path.join(PROJECT_ROOT, 'bin', 'linac-bridge.js');

function runOnce(args: readonly string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LINAC_BRIDGE_FROM_SOURCE: '' } });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 300)}`);
  return ms;
}

export function benchStartup(runs = Number(process.env.STARTUP_RUNS ?? 15)): Record<string, unknown>[] {
  const map = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-startup-')), 'map.csv');
  fs.writeFileSync(map, '0,1,2,1\n1,2,2,0\n');
  const cases: Record<string, readonly string[]> = {
    'node -e 0': ['-e', '0'],
    '--version': [BIN, '--version'],
    '--help': [BIN, '--help'],
    'sequence (2×4 map)': [BIN, 'sequence', map, '--json'],
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const args of Object.values(cases)) runOnce(args); // warm-up: page cache, compile cache
  for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(cases)) samples[name].push(runOnce(args));
  const base = summarise(samples['node -e 0']);
  return Object.entries(samples).map(([name, s]) => {
    const t = summarise(s);
    return { command: name, runs: t.calls, meanMs: fmt(t.msPerCall), p50Ms: fmt(t.p50Ms), maxMs: fmt(t.maxMs), 'p50 × node -e 0': fmt(t.p50Ms / base.p50Ms, 3), 'mean × node -e 0': fmt(t.msPerCall / base.msPerCall, 3) };
  });
}
