/** Prints the interlock catalogue as a Markdown table, or rewrites docs/interlocks.md with --write. */
import fs from 'node:fs';
import { INTERLOCKS, INTERLOCK_IDS } from '../src/interlock/interlock-catalogue.js';

export function catalogueTable(): string {
  const cell = (v: string | undefined): string => v ?? '—';
  const rows = INTERLOCK_IDS.map((id) => {
    const d = INTERLOCKS[id];
    return `| ${id} | ${d.latch} | ${d.reason} | ${cell(d.source)} | ${cell(d.action)} | ${cell(d.reset)} | ${cell(d.clause)} |`;
  });
  return ['| id | latch | condition | source signal | action | reset | clause |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

if (process.argv[1]?.endsWith('interlock-catalogue.ts')) {
  const table = catalogueTable();
  if (process.argv.includes('--write')) {
    const file = new URL('../docs/interlocks.md', import.meta.url);
    const doc = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, doc.replace(/(<!-- generated: interlock catalogue -->\n)[\s\S]*?(\n<!-- end generated -->)/, `$1${table}$2`));
  } else {
    console.log(table);
  }
}
