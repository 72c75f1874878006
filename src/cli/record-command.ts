/**
 * `linac-bridge record from-journal <journal.jsonl> [--out <file>] [--plan <file>] [--json]`: writes
 * the RT Beams Treatment Record of the fraction in a journal (bridge/record-from-journal.ts), for a
 * bridge killed mid-fraction (its MU up to the last journaled linac readback, a partial beam
 * recorded as such) or a record that could not be written. Exit 0: written; 1: no beam delivered
 * any MU (nothing to record); 2: bad input (not a journal, no fraction, an existing --out …).
 */
import fs from 'node:fs';
import { isJsonPlanFile, loadDicomPlanForDelivery, loadJsonPlan } from '../bridge/plan-source.js';
import { recordFromJournal } from '../bridge/record-from-journal.js';
import { beamTermination } from '../bridge/treatment-record-source.js';
import { recordPath, writeTreatmentRecord } from '../bridge/write-treatment-record.js';
import { BridgeError } from '../core/bridge-error.js';
import { JSON_LIMITS } from '../core/json-limits.js';
import { loadConfig } from '../config/load-config.js';
import { readInput } from './read-input.js';

export async function recordFromJournalCommand(journal: string, o: { out?: string; plan?: string; json?: boolean; config?: string }): Promise<number> {
  const cfg = loadConfig(o.config);
  const out = o.out ?? recordPath(journal);
  // a record already there is never replaced: it may be the one the bridge wrote
  if (fs.existsSync(out)) throw new BridgeError('INPUT_INVALID', `${out} exists: name another file with --out`, { field: '--out', actual: out });
  const plan = o.plan === undefined ? undefined : isJsonPlanFile(o.plan) ? loadJsonPlan(readInput(o.plan, 'plan', JSON_LIMITS.plan.maxBytes), o.plan, cfg) : loadDicomPlanForDelivery(o.plan, cfg);
  const rebuilt = await recordFromJournal(journal, cfg, { plan, manufacturer: 'linac-bridge' });
  const r = rebuilt.source.record;
  const file = writeTreatmentRecord(rebuilt.source, out);
  const beams = r.beams.filter((b) => b.segments.length > 0).map((b) => ({ id: b.id, plannedMu: b.plannedMu, deliveredMu1: b.deliveredMu1, deliveredMu2: b.deliveredMu2, termination: beamTermination(b, r) }));
  const summary = { treatmentRecord: file ?? null, journal, ended: rebuilt.ended, tornTail: rebuilt.tornTail, outcome: r.outcome, stopReason: r.stopReason, beams, lastCheckpoints: rebuilt.lastCheckpoints };
  if (o.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    const line = (s: string) => process.stdout.write(`${s}\n`);
    line(`fraction ${r.fraction} of ${r.planId} (${r.patientId}): ${rebuilt.ended === 'lost' ? 'the bridge stopped without closing it; rebuilt from the journaled linac readback' : `journaled as ${r.outcome}`}${rebuilt.tornTail ? ' (torn last line ignored)' : ''}`);
    for (const b of beams) line(`beam ${b.id}: delivered ${b.deliveredMu1} / ${b.deliveredMu2} MU (ch1/ch2) of ${b.plannedMu}: ${b.termination.status} ${b.termination.code}`);
    line(file ? `treatment record: ${file}` : 'no treatment record: no beam delivered any MU');
  }
  return file ? 0 : 1;
}
