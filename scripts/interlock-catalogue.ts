/** Prints the interlock catalogue as Markdown tables, or rewrites docs/interlocks.md with --write. */
import fs from 'node:fs';
import { INTERLOCKS, INTERLOCK_IDS, type InterlockDefinition, type LatchPolicy } from '../src/interlock/interlock-catalogue.js';
import { PLANNED_INTERLOCKS } from '../src/interlock/planned-interlocks.js';

/** The session's action by policy, in IEC 60601-2-1 terms (a hold is an interruption). */
const ACTION: Record<LatchPolicy, string> = { permit: 'veto', hold: 'hold (interruption)', latched: 'terminate (termination)' };

function latchText(d: InterlockDefinition): string {
  if (d.latch !== 'latched') return 'not latched';
  return d.clearedBy === 'beam-off' ? 'latched; clears once the beam is off' : 'latched; clears once the condition clears';
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function catalogueTable(): string {
  const rows = INTERLOCK_IDS.map((id) => {
    const d = INTERLOCKS[id];
    return `| ${id} | **${ACTION[d.latch]}**: ${cell(d.action)} | ${cell(d.reason)} | ${cell(d.source)} | ${latchText(d)}: ${cell(d.reset)} | ${cell(d.clause)} |`;
  });
  const planned = PLANNED_INTERLOCKS.map((p) => `| ${cell(p.condition)} | ${cell(p.needs)} | ${cell(p.clause)} |`);
  return [
    '| id | action | condition | source signal | latch and reset | clause |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    'Planned, most with the DICOM RT Plan import (no id is reserved until the bridge can judge them):',
    '',
    '| condition | needs | clause |',
    '|---|---|---|',
    ...planned,
  ].join('\n');
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
