/**
 * Benchmarks: `npm run bench` runs every section, `npm run bench -- <section>` one.
 * Figures are printed as tables and as one JSON line; ratios are against a
 * baseline measured in the same run, since the machines are noisy.
 */
import { benchCouch } from './couch.bench.js';
import { benchCouchLinks } from './couch-links.bench.js';
import { benchConsoleFanout } from './console-fanout.bench.js';
import { benchFaults } from './faults.bench.js';
import { benchGating } from './gating.bench.js';
import { benchHil } from './hil.bench.js';
import { benchJournal } from './journal.bench.js';
import { benchKernels } from './kernels.bench.js';
import { benchLogs } from './logs.bench.js';
import { benchProtocol } from './protocol.bench.js';
import { benchRecords } from './records.bench.js';
import { benchRtplan } from './rtplan.bench.js';
import { benchSequencing } from './sequencing.bench.js';
import { benchSequencingLimits } from './sequencing-limits.bench.js';
import { benchStartup } from './startup.bench.js';

const SECTIONS: Record<string, () => Record<string, unknown>[] | Promise<Record<string, unknown>[]>> = {
  kernels: benchKernels,
  protocol: benchProtocol,
  couch: benchCouch,
  'couch-links': benchCouchLinks,
  gating: benchGating,
  journal: benchJournal,
  sequencing: benchSequencing,
  'sequencing-limits': benchSequencingLimits,
  faults: benchFaults,
  startup: benchStartup,
  hil: benchHil,
  rtplan: benchRtplan,
  logs: benchLogs,
  'console-fanout': benchConsoleFanout,
  records: benchRecords,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !SECTIONS[w]);
if (unknown.length) {
  console.error(`unknown bench section(s): ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
const results: Record<string, unknown> = {};
for (const name of wanted.length ? wanted : Object.keys(SECTIONS)) {
  const rows = await SECTIONS[name]();
  console.log(`\n## ${name}`);
  console.table(rows);
  results[name] = rows;
}
console.log(`\nBENCH_JSON ${JSON.stringify({ node: process.version, cpus: (await import('node:os')).cpus().length, results })}`);
