/**
 * `linac-bridge plan show <file> [--json] [--full]`: the plan model of a DICOM
 * RT Plan (or a JSON plan) and its checks against the configured machine.
 * Exit 0: read and deliverable on this machine; 1: read, but the checks refuse
 * it (each violation printed); 2: not readable or not a valid plan.
 */
import { loadConfig } from '../config/load-config.js';
import { isJsonPlanFile, importRtPlanFile, loadJsonPlan, machineContext } from '../bridge/plan-source.js';
import { checkPlan } from '../domain/plan/plan-checks.js';
import { planSummary } from '../domain/plan/plan-summary.js';
import type { RtPlan } from '../domain/plan/rt-plan.js';
import { JSON_LIMITS } from '../core/json-limits.js';
import { readInput } from './read-input.js';

export function planShowCommand(file: string, o: { json?: boolean; full?: boolean; config?: string }): number {
  const cfg = loadConfig(o.config);
  const model: RtPlan = isJsonPlanFile(file) ? loadJsonPlan(readInput(file, 'plan', JSON_LIMITS.plan.maxBytes), file, cfg).model : importRtPlanFile(file, cfg);
  const violations = checkPlan(model, machineContext(cfg)).map((v) => ({ code: v.code, field: v.field, actual: v.actual, limit: v.limit, unit: v.unit, message: v.message }));
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ ...planSummary(model, o.full), checks: { mlc: cfg.mlc.id, violations } }, null, 2)}\n`);
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
  return violations.length ? 1 : 0;
}
