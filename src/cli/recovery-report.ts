/** How `simulate` and `start` tell the operator about an interrupted fraction found in the journal folder. */
import path from 'node:path';
import { deliveredPerBeam } from '../bridge/delivery-ledger.js';
import type { RunFound } from '../bridge/fraction-recovery.js';
import { BridgeError } from '../core/bridge-error.js';


export function describeRun(run: RunFound): string {
  const rel = path.relative(process.cwd(), run.journal);
  const why = run.ended === 'no fraction record' ? 'ended without a fraction record (the process was killed)' : `ended ${run.ended}${run.stopReason ? ` (${run.stopReason})` : ''}`;
  const diff = run.fromRecord ? `; journal record − linac counters = ${run.journalMinusLinacMu.toFixed(3)} MU` : '; delivered MU from the last journaled linac counters';
  return `interrupted run ${rel} (started ${run.startedAtIso}) ${why}: delivered ${deliveredPerBeam(run.delivered)} (ch1 / ch2)${diff}${run.tornTail ? '; torn last journal line ignored' : ''}`;
}


/** Re-delivery in full of a fraction that already delivered MU: refused, naming the run. */
export function refusal(run: RunFound): BridgeError {
  return new BridgeError('FRACTION_INTERRUPTED', `${describeRun(run)}. Re-delivery in full is refused: continue it with --resume --operator NAME`, {
    field: 'journal', actual: run.journal,
  });
}
