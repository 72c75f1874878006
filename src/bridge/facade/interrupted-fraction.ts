/**
 * A console must not deliver in full a fraction that an earlier run already delivered part of
 * (the bridge killed mid-beam, the fraction terminated): `simulate` refuses it unless resumed
 * (docs/stop-and-resume.md), and `loadPlan` refuses it the same way, naming the run. The latest run
 * of the fraction is found in the room's journal folder (fraction-recovery.ts).
 */
import path from 'node:path';
import type { Plan } from '../../domain/plan/plan.js';
import { deliveredAny, deliveredPerBeam } from '../delivery-ledger.js';
import { latestRun } from '../fraction-recovery.js';

/** Why `plan` may not be loaded for delivery in full, or undefined when no earlier run delivered part of it. */
export function interruptedFraction(journalDir: string, plan: Pick<Plan, 'patientId' | 'planId' | 'fraction'>): string | undefined {
  const run = latestRun(journalDir, plan);
  if (!run || run.ended === 'complete') return undefined;
  if (!deliveredAny(run.delivered)) return undefined;
  return `fraction ${plan.fraction} of plan ${plan.planId} for ${plan.patientId} was interrupted in ${path.basename(run.journal)} (${run.ended}) after delivering ${deliveredPerBeam(run.delivered)} (ch1 / ch2): re-delivery in full is refused; continue it with \`simulate --resume\` (docs/stop-and-resume.md)`;
}
