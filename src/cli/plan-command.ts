/**
 * `linac-bridge plan show <file> [--json] [--full]`: the plan model of a DICOM
 * RT Plan (or a JSON plan) and its checks against the configured machine.
 * Exit 0: read and passes the checks on this machine; 1: read, but the checks
 * refuse it (each violation printed); 2: not readable or not a valid plan.
 * `simulate` says whether the embedded simulators can deliver it (STATIC beams only) and why not.
 */
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { deliveryPlanFor, isJsonPlanFile, importRtPlanFile, loadJsonPlan, machineContext } from '../bridge/plan-source.js';
import { checkPlan } from '../domain/plan/plan-checks.js';
import { planSummary } from '../domain/plan/plan-summary.js';
import type { RtPlan } from '../domain/plan/rt-plan.js';
import { JSON_LIMITS } from '../core/json-limits.js';
import { readInput } from './read-input.js';

export function planShowCommand(file: string, o: { json?: boolean; full?: boolean; config?: string }): number {
  const cfg = loadConfig(o.config);
  const model: RtPlan = isJsonPlanFile(file) ? loadJsonPlan(readInput(file, 'plan', JSON_LIMITS.plan.maxBytes), file, cfg).model : importRtPlanFile(file, cfg);
  const violations = checkPlan(model, machineContext(cfg)).map((v) => ({ code: v.code, field: v.field, actual: v.actual, limit: v.limit, unit: v.unit, message: v.message }));
  const simulate = violations.length ? { deliverable: false, reason: 'the plan checks refuse it' } : simulatorDelivery(model, cfg);
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ ...planSummary(model, o.full), checks: { mlc: cfg.mlc.id, violations }, simulate }, null, 2)}\n`);
    return violations.length ? 1 : 0;
  }
  const out = (l: string) => process.stdout.write(`${l}\n`);
  out(`plan ${model.planLabel} for patient ${model.patientId}${model.patientPosition ? `, ${model.patientPosition}` : ''}${model.isocenterLpsMm ? `, isocentre (${model.isocenterLpsMm.join(', ')}) mm LPS` : ''}${model.fractionsPlanned ? `, ${model.fractionsPlanned} fractions` : ''}`);
  for (const b of model.beams) {
    const e = b.energy;
    out(`beam ${b.number} ${b.name}: ${b.technique}, ${e.radiationType} ${e.nominal}${e.fluenceMode === 'STANDARD' ? '' : ` ${e.fluenceMode}`}, ${b.metersetMu} MU, ${b.controlPoints.length} control points, gantry ${b.controlPoints[0].gantryDeg}°, MLC ${b.mlc ? `${b.mlc.model} (${b.mlc.pairs} pairs)` : 'none'}`);
  }
  out(violations.length ? `not deliverable on this machine (MLC ${cfg.mlc.id}):` : `checks passed against this machine (MLC ${cfg.mlc.id})`);
  for (const v of violations) out(`  ${v.message}`);
  if (!violations.length) out(simulate.deliverable ? '`simulate` can deliver it' : `\`simulate\` refuses it: ${simulate.reason}`);
  return violations.length ? 1 : 0;
}

/** Whether `simulate` would deliver the plan (STATIC beams only), and why not. */
function simulatorDelivery(model: RtPlan, cfg: LoadedConfig): { deliverable: boolean; reason?: string } {
  try {
    deliveryPlanFor(model, cfg);
    return { deliverable: true };
  } catch (e) {
    return { deliverable: false, reason: (e as Error).message };
  }
}
