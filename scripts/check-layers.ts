/**
 * Keeps the layering honest, as the folder READMEs state it. Exits 1 listing each violation.
 * - src/: a module imports only from its own layer or layers below it (ORDER);
 *   simulators/ import only core/ and protocol/ (and each other); only cli/ may import simulators.
 * - domain/, protocol/ and interlock/ do no I/O: no file, network, process or device modules
 *   (node:fs, node:net, child_process, serialport, ws …), and no transport/drivers/journal.
 * - test/ and bench/: nothing in src/ or simulators/ imports them (nor scripts/); bench/ takes
 *   only test/helpers/ from test/; no file imports a test suite (`*.test.ts`).
 * Static imports, re-exports, side-effect imports and dynamic `import()` are all checked.
 */
import fs from 'node:fs';
import path from 'node:path';

const ORDER = ['core', 'config', 'protocol', 'transport', 'kernels', 'drivers', 'domain', 'journal', 'interlock', 'bridge', 'qa', 'api', 'cli'];
/** Layers whose README says they do no I/O, and the layers (below them in ORDER) they still may not import for that reason. */
const PURE: Record<string, readonly string[]> = { protocol: ['transport'], domain: ['transport', 'drivers', 'journal'], interlock: ['transport', 'drivers', 'journal'] };
const IO_MODULES = /^(?:node:)?(?:fs|fs\/promises|net|tls|dgram|dns|http|https|http2|child_process|cluster|worker_threads|readline|os|inspector)$|^(?:serialport|@serialport\/.*|ws|modbus-serial|jsmodbus)$/;
export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.name === 'node_modules' || d.name === 'fixtures' ? [] : d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));
}

/** 'src/<layer>' → the layer; otherwise the top folder (simulators, test, bench, scripts, examples). */
function layerOf(file: string): string | undefined {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'src') return rel[1];
  return rel.length > 1 ? rel[0] : undefined;
}

/** Every module specifier the file imports: static, re-export, side-effect and dynamic. */
export function specifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, ''); // comments may quote imports
  const found: string[] = [];
  for (const re of [/(?:^|[^.\w$])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g, /(?:^|[^.\w$])import\s*['"]([^'"]+)['"]/g, /(?:^|[^.\w$])import\s*\(\s*['"]([^'"]+)['"]\s*[,)]/g]) {
    for (const m of code.matchAll(re)) found.push(m[1]);
  }
  return found;
}

export function violation(file: string, from: string, spec: string): string | undefined {
  const relative = spec.startsWith('.');
  const target = relative ? path.resolve(path.dirname(file), spec) : undefined;
  const to = target ? layerOf(target) : undefined;
  if (target && /\.test\.[jt]s$/.test(target)) return 'imports a test suite';
  if (PURE[from] && !relative && IO_MODULES.test(spec)) return `${from} does no I/O`;
  const inSrc = ORDER.includes(from);
  if ((inSrc || from === 'simulators') && to && ['test', 'bench', 'scripts'].includes(to)) return `${from} must not import ${to}`;
  if (from === 'bench' && to === 'test' && !path.relative(path.join(root, 'test', 'helpers'), target!).match(/^[^.]/)) return 'bench takes only test/helpers from test';
  if (!to || to === from || !inSrc && from !== 'simulators') return undefined;
  if (from === 'simulators') return to === 'core' || to === 'protocol' ? undefined : `simulators must not import ${to}`;
  if (to === 'simulators') return from === 'cli' ? undefined : `${from} must not import simulators`;
  if (PURE[from]?.includes(to)) return `${from} does no I/O: must not import ${to}`;
  return ORDER.indexOf(to) <= ORDER.indexOf(from) ? undefined : `${from} must not import ${to}`;
}

export function checkLayers(): string[] {
  const violations: string[] = [];
  for (const file of ['src', 'simulators', 'test', 'bench'].flatMap((d) => files(path.join(root, d)))) {
    const from = layerOf(file)!;
    for (const spec of specifiers(fs.readFileSync(file, 'utf8'))) {
      const why = violation(file, from, spec);
      if (why) violations.push(`${path.relative(root, file)}: ${why} (${spec})`);
    }
  }
  return violations;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const violations = checkLayers();
  if (violations.length) {
    console.error(`layer check: ${violations.length} violation(s)\n${violations.join('\n')}`);
    process.exit(1);
  }
  console.log('layer check: ok');
}
