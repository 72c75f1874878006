/**
 * Checks a plan against the machine before anything is delivered: the
 * treatment machine name (when the config lists names), the beam's radiation
 * type, energy and fluence mode, dose rate, meterset limits, cumulative
 * meterset weights (0 at the first control point, never decreasing, 1 at the
 * last), MU of every step-and-shoot segment, the MLC model, then every control
 * point's jaws and leaves (control-point-checks.ts). Returns every violation
 * (PLAN_INVALID naming beam, control point, leaf and limit); `assertPlanDeliverable`
 * throws the first.
 */
import type { DeliveryLimits, MachineConfig } from '../../config/bridge-config.js';
import type { MlcModel } from '../../config/mlc-model.js';
import { BridgeError } from '../../core/bridge-error.js';
import { staticSegments } from './beam-segments.js';
import { beamTechnique } from './beam-technique.js';
import { checkControlPoints } from './control-point-checks.js';
import type { RtBeam, RtPlan } from './rt-plan.js';

export interface MachineContext {
  readonly machine: MachineConfig;
  /** The room's MLC. */
  readonly mlc: MlcModel;
  readonly delivery: DeliveryLimits;
}

const WEIGHT_EPSILON = 1e-6;

export type Violation = BridgeError;

const summaries = new WeakMap<Violation, string>();

export function violation(beam: RtBeam, index: number, path: string, summary: string, extra: { actual?: string | number; limit?: string | number; unit?: string } = {}): Violation {
  const text = `beam ${beam.number} (${beam.name}): ${summary}`;
  const v = new BridgeError('PLAN_INVALID', text, { field: `plan.beams.${index}.${path}`, ...extra });
  summaries.set(v, text);
  return v;
}

export function checkPlan(plan: RtPlan, ctx: MachineContext): Violation[] {
  return plan.beams.flatMap((beam, i) => checkBeam(beam, i, ctx));
}

/** Throws the first violation (its message counts the others; `plan show` lists them all). */
export function assertPlanDeliverable(plan: RtPlan, ctx: MachineContext): void {
  const v = checkPlan(plan, ctx);
  if (v.length === 1) throw v[0];
  if (v.length > 1) {
    const first = v[0];
    throw new BridgeError('PLAN_INVALID', `${summaries.get(first) ?? ''} (and ${v.length - 1} more violation${v.length > 2 ? 's' : ''}: plan show lists them)`, { field: first.field, actual: first.actual, limit: first.limit, unit: first.unit });
  }
}

function checkBeam(beam: RtBeam, i: number, ctx: MachineContext): Violation[] {
  const out: Violation[] = [];
  const names = ctx.machine.names;
  if (names && !names.includes(beam.machine)) out.push(violation(beam, i, 'machine', 'plan is for another treatment machine', { actual: beam.machine, limit: names.join(' | ') }));
  const e = beam.energy;
  const allowed = ctx.machine.beams.find((m) => m.radiationType === e.radiationType && Math.abs(m.nominal - e.nominal) < 1e-6 && m.fluenceMode === e.fluenceMode);
  if (!allowed) {
    const list = ctx.machine.beams.map((m) => `${m.radiationType} ${m.nominal}${m.fluenceMode === 'STANDARD' ? '' : ` ${m.fluenceMode}`}`).join(' | ');
    out.push(violation(beam, i, 'energy', 'radiation type, energy or fluence mode not available on this machine', { actual: `${e.radiationType} ${e.nominal}${e.fluenceMode === 'STANDARD' ? '' : ` ${e.fluenceMode}`}`, limit: list }));
  }
  if (beam.mlc && beam.mlc.model !== ctx.mlc.id) out.push(violation(beam, i, 'mlc.model', `plan is for MLC ${beam.mlc.model}, this machine has ${ctx.mlc.id}`, { actual: beam.mlc.model, limit: ctx.mlc.id }));
  const d = ctx.delivery;
  if (!(beam.metersetMu >= d.minMuPerBeam && beam.metersetMu <= d.maxMuPerBeam)) out.push(violation(beam, i, 'metersetMu', 'beam meterset outside the machine limits', { actual: beam.metersetMu, limit: `${d.minMuPerBeam}..${d.maxMuPerBeam}`, unit: 'MU' }));
  out.push(...checkWeights(beam, i));
  const judged = beamTechnique(beam.controlPoints);
  if (judged !== beam.technique) out.push(violation(beam, i, 'technique', 'the technique does not match what moves between the control points', { actual: beam.technique, limit: judged }));
  if (out.length === 0 && beam.technique === 'STATIC') {
    staticSegments(beam).forEach((s, k) => {
      if (s.mu < d.minMuPerSegment) out.push(violation(beam, i, `segments.${k}.mu`, `segment ${k} (control points ${s.fromControlPoint}–${s.toControlPoint}) below the machine minimum`, { actual: round3(s.mu), limit: `>= ${d.minMuPerSegment}`, unit: 'MU' }));
    });
  }
  const maxRate = allowed?.maxDoseRateMuPerMin;
  if (out.length === 0) out.push(...checkControlPoints(beam, i, { mlc: ctx.mlc, jawTravel: ctx.machine.jawTravel, maxDoseRateMuPerMin: maxRate ?? 0 }));
  return out;
}

function checkWeights(beam: RtBeam, i: number): Violation[] {
  const cps = beam.controlPoints;
  const out: Violation[] = [];
  if (Math.abs(cps[0].cumulativeWeight) > WEIGHT_EPSILON) out.push(violation(beam, i, 'controlPoints.0.cumulativeWeight', 'the first control point must have cumulative meterset weight 0', { actual: cps[0].cumulativeWeight, limit: 0 }));
  for (let k = 1; k < cps.length; k++) {
    if (cps[k].cumulativeWeight < cps[k - 1].cumulativeWeight) {
      out.push(violation(beam, i, `controlPoints.${k}.cumulativeWeight`, `cumulative meterset weight decreases at control point ${k}`, { actual: cps[k].cumulativeWeight, limit: `>= ${cps[k - 1].cumulativeWeight}` }));
    }
  }
  const last = cps[cps.length - 1].cumulativeWeight;
  if (Math.abs(last - 1) > WEIGHT_EPSILON) out.push(violation(beam, i, `controlPoints.${cps.length - 1}.cumulativeWeight`, 'the last control point must reach the final cumulative meterset weight', { actual: last, limit: 1 }));
  return out;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
