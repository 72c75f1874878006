#!/usr/bin/env node
// Runs vitest, then prints the plain summary line CI reads ("vitest: N passed, N failed, N skipped")
// from vitest's JSON report. Exits non-zero on any failure or when no test ran.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const report = path.join(os.tmpdir(), `linac-bridge-vitest-${process.pid}.json`);
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = r.numPassedTests ?? 0;
  // A file that failed to load has no failed test of its own: count it once, so the
  // line agrees with vitest's "Tests" count and still shows a broken file.
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length;
  failed = (r.numFailedTests ?? 0) + brokenFiles;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  fs.rmSync(report, { force: true });
} catch (e) {
  console.error(`run-tests: no vitest JSON report (${e.message})`);
  failed = Math.max(failed, 1);
}
console.log(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed === 0) console.error('run-tests: no test ran');
process.exit(run.status !== 0 || failed > 0 || passed === 0 ? 1 : 0);
