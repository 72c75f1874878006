#!/usr/bin/env node
// Compiles src/ and simulators/ to dist/ (tsconfig.build.json) and stamps the build, so
// bin/linac-bridge.js can tell a build newer than every source from a stale one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = new Date();
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
const stamp = path.join(root, 'dist', '.build-stamp');
fs.writeFileSync(stamp, `${started.toISOString()}\n`);
// stamped with the time the compile began: a source saved during the compile counts as newer
fs.utimesSync(stamp, started, started);
