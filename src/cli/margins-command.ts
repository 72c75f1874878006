/** `linac-bridge margins <journal|file.csv>…`: setup-error statistics and van Herk margins. */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { computeMargins, type SetupError } from '../domain/statistics/setup-margins.js';
import { parseSetupErrorCsv, setupErrorsFromJournal } from '../domain/statistics/setup-error-sources.js';
import { readJournal } from '../journal/journal.js';
import { BridgeError } from '../core/bridge-error.js';

function files(p: string): string[] {
  if (!fs.existsSync(p)) throw new BridgeError('INPUT_INVALID', 'no such file or folder', { field: p });
  if (fs.statSync(p).isDirectory()) return fs.readdirSync(p).filter((f) => /\.(jsonl|csv)$/i.test(f)).sort().flatMap((f) => files(path.join(p, f)));
  return [p];
}

/** CSV rows as given; journal records of every journal together, so each fraction gives its first registration once. */
function load(inputs: string[]): SetupError[] {
  const all = inputs.flatMap(files);
  const csv = all.filter((p) => /\.csv$/i.test(p)).flatMap((p) => parseSetupErrorCsv(fs.readFileSync(p, 'utf8'), p));
  const journals = all.filter((p) => !/\.csv$/i.test(p));
  const records = journals.flatMap((p) => readJournal(p).entries);
  return [...csv, ...setupErrorsFromJournal(records, journals.length === 1 ? journals[0] : 'journals')];
}

export function marginsCommand(inputs: string[], o: { json?: boolean; config?: string }): number {
  const report = computeMargins(load(inputs), loadConfig(o.config).bridge.margins);
  if (o.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const f = (v: number): string => v.toFixed(2).padStart(8);
  process.stdout.write(`${report.patients} patients, ${report.fractions} fractions (van Herk: margin = 2.5 Σ + 0.7 σ; setup error = −correction)\n`);
  process.stdout.write(`axis          mean Σ(syst)  σ(rand)  margin   [mm]\n`);
  for (const [axis, a] of Object.entries(report.axes)) process.stdout.write(`${axis.padEnd(12)}${f(a.meanMm)}${f(a.systematicMm)}${f(a.randomMm)}${f(a.marginMm)}\n`);
  for (const x of report.excluded) process.stdout.write(`left out: patient ${x.patient} has ${x.fractions} fraction (two or more needed)\n`);
  return 0;
}
