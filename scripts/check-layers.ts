/**
 * Keeps the layering honest: a module imports only from its own layer or
 * layers below it; simulators import only core/ and protocol/ (and each
 * other); only cli/ may import simulators. Exits 1 listing each violation.
 */
import fs from 'node:fs';
import path from 'node:path';

const ORDER = ['core', 'config', 'protocol', 'transport', 'kernels', 'drivers', 'domain', 'journal', 'interlock', 'bridge', 'api', 'cli'];
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));
}

function layerOf(file: string): string | undefined {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'simulators') return 'simulators';
  return rel[0] === 'src' ? rel[1] : undefined;
}

const violations: string[] = [];
for (const file of [...files(path.join(root, 'src')), ...files(path.join(root, 'simulators'))]) {
  const from = layerOf(file)!;
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
    const to = layerOf(path.resolve(path.dirname(file), m[1]));
    if (!to || to === from) continue;
    const ok = from === 'simulators' ? to === 'core' || to === 'protocol' : to === 'simulators' ? from === 'cli' : ORDER.indexOf(to) <= ORDER.indexOf(from);
    if (!ok) violations.push(`${path.relative(root, file)}: ${from} must not import ${to} (${m[1]})`);
  }
}
if (violations.length) {
  console.error(`layer check: ${violations.length} violation(s)\n${violations.join('\n')}`);
  process.exit(1);
}
console.log('layer check: ok');
