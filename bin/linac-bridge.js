#!/usr/bin/env node
// Entry point. Runs the compiled CLI in dist/ (built by `npm install` and `npm run build`) when it is
// newer than every TypeScript source, so a start costs no compilation; after an edit to src/ or
// simulators/ without a rebuild it runs the sources through tsx's loader instead, so nobody ever runs
// stale code. LINAC_BRIDGE_FROM_SOURCE=1 forces the sources.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');

function newestSourceMs(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSourceMs(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function compiledIsFresh() {
  if (process.env.LINAC_BRIDGE_FROM_SOURCE === '1') return false;
  let builtMs;
  try {
    builtMs = fs.statSync(stamp).mtimeMs;
  } catch {
    return false;
  }
  return ['src', 'simulators'].every((d) => newestSourceMs(path.join(root, d)) <= builtMs);
}

let entry;
if (compiledIsFresh()) {
  entry = pathToFileURL(path.join(root, 'dist', 'src', 'cli', 'main.js')).href;
} else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = pathToFileURL(path.join(root, 'src', 'cli', 'main.ts')).href;
}
const { main } = await import(entry);
await main(process.argv);
