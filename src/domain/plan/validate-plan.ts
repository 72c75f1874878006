/**
 * Validates a plan file against the configured MLC model and the bridge's
 * action levels; a corrupt plan is rejected whole with the field and the limit.
 * The segments must reproduce the beam's fluence exactly (native kernel).
 */
import { z } from 'zod';
import type { DeliveryLimits } from '../../config/bridge-config.js';
import type { MlcModel } from '../../config/mlc-model.js';
import { issueKeyPath, issueSummary } from '../../config/zod-issue.js';
import { BridgeError } from '../../core/bridge-error.js';
import { ID_PATTERN, ID_RULE, NO_CONTROL_PATTERN } from '../../core/identifiers.js';
import { JSON_LIMITS, parseJsonWithin } from '../../core/json-limits.js';
import { accumulateFluence } from '../../kernels/fluence.js';
import { PATIENT_POSITIONS } from '../registration/patient-position.js';
import { beamMu, type Plan } from './plan.js';
import { checkTrajectory } from './validate-trajectory.js';

const Interval = z.tuple([z.number().int().min(0), z.number().int().min(0)]).refine(([a, b]) => a <= b, { message: 'first must be <= last' });

/** DICOM UID (PS3.5 9.1): dot-separated numbers without leading zeros, at most 64 characters. */
const DicomUid = z.string().max(64).regex(/^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$/, { message: 'must be a DICOM UID (digits and dots, no leading zeros, <= 64 characters)' });
const LpsMm = z.number().min(-2000).max(2000);

const Id = z.string().regex(ID_PATTERN, `must be ${ID_RULE}`);
const Text = (max: number) => z.string().min(1).max(max).regex(NO_CONTROL_PATTERN, 'must not contain control characters');

// strict everywhere: an unknown key (a misspelt or unsupported field such as `collimatorDeg`) is an error, never ignored
const PlanSchema = z.object({
  patientId: Id,
  patientName: Text(128),
  planId: Id,
  fraction: z.number().int().min(1).max(100),
  protocol: z.string().min(1),
  mlcModel: z.string().min(1),
  beams: z
    .array(
      z.object({
        id: z.number().int().min(1).max(65535),
        name: Text(64),
        gantryDeg: z.number().min(0).lt(360),
        doseRateMuPerMin: z.number().int().min(50).max(2400),
        grid: z.object({
          bixelWidthMm: z.number().positive().max(50),
          originMm: z.number().min(-200).max(200),
          firstLeafPair: z.number().int().min(0),
          rows: z.number().int().min(1),
          cols: z.number().int().min(1).max(400),
        }).strict(),
        segments: z.array(z.object({ mu: z.number().positive().max(1000), rows: z.array(z.union([Interval, z.null()])) }).strict()).min(1).max(500),
        fluence: z.array(z.array(z.number().min(0))),
        trajectory: z.array(z.object({
          metersetWeight: z.number().min(0).max(1),
          positions: z.object({ bankAMm: z.array(z.number()).max(200), bankBMm: z.array(z.number()).max(200) }).strict(),
        }).strict()).min(2).max(1000).optional(),
      }).strict(),
    )
    .min(1)
    .max(20),
  frameOfReferenceUid: DicomUid.optional(),
  isocenterLpsMm: z.tuple([LpsMm, LpsMm, LpsMm]).optional(),
  patientPosition: z.enum(PATIENT_POSITIONS).optional(),
}).strict();

const planError = (field: string, summary: string, extra: { actual?: string | number; limit?: string | number; unit?: string } = {}) =>
  new BridgeError('PLAN_INVALID', summary, { field: `plan.${field}`, ...extra });

/** `delivery`: the machine's MU limits per beam and per segment (bridge config). */
export function validatePlan(raw: unknown, mlc: MlcModel, protocols: readonly string[], delivery: DeliveryLimits): Plan {
  const r = PlanSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw planError(issueKeyPath(issue), issueSummary(issue));
  }
  const plan = r.data as Plan;
  // an isocentre means nothing without the frame it is given in
  if ((plan.isocenterLpsMm === undefined) !== (plan.frameOfReferenceUid === undefined)) {
    throw planError(plan.isocenterLpsMm === undefined ? 'isocenterLpsMm' : 'frameOfReferenceUid', 'isocenterLpsMm and frameOfReferenceUid go together', { limit: 'both or neither' });
  }
  if (plan.mlcModel !== mlc.id) throw planError('mlcModel', 'plan is for another MLC', { actual: plan.mlcModel, limit: mlc.id });
  if (!protocols.includes(plan.protocol)) throw planError('protocol', 'unknown protocol', { actual: plan.protocol, limit: protocols.join(' | ') });
  const ids = new Set<number>();
  plan.beams.forEach((b, i) => {
    if (ids.has(b.id)) throw planError(`beams.${i}.id`, 'duplicate beam id', { actual: b.id });
    ids.add(b.id);
    checkMu(b, i, delivery);
    checkGrid(b, i, mlc);
    checkFluence(b, i);
    if (b.trajectory) checkTrajectory(b, i, mlc);
  });
  return plan;
}

function checkMu(b: Plan['beams'][number], i: number, d: DeliveryLimits): void {
  b.segments.forEach((s, k) => {
    if (s.mu < d.minMuPerSegment) throw planError(`beams.${i}.segments.${k}.mu`, 'segment below the machine minimum', { actual: s.mu, limit: `>= ${d.minMuPerSegment}`, unit: 'MU' });
  });
  const mu = beamMu(b);
  if (mu > d.maxMuPerBeam) throw planError(`beams.${i}.mu`, 'beam MU above the machine maximum', { actual: mu, limit: `<= ${d.maxMuPerBeam}`, unit: 'MU' });
  if (mu < d.minMuPerBeam) throw planError(`beams.${i}.mu`, 'beam MU below the machine minimum', { actual: mu, limit: `>= ${d.minMuPerBeam}`, unit: 'MU' });
}

function checkGrid(b: Plan['beams'][number], i: number, mlc: MlcModel): void {
  const g = b.grid;
  if (g.firstLeafPair + g.rows > mlc.leafPairs) throw planError(`beams.${i}.grid.rows`, 'grid runs past the last leaf pair', { actual: g.firstLeafPair + g.rows, limit: mlc.leafPairs });
  const rightMm = g.originMm + g.cols * g.bixelWidthMm;
  if (g.originMm < mlc.travel.minMm || rightMm > mlc.travel.maxMm) throw planError(`beams.${i}.grid`, 'grid outside leaf travel', { actual: `${g.originMm}..${rightMm}`, limit: `${mlc.travel.minMm}..${mlc.travel.maxMm}`, unit: 'mm' });
  b.segments.forEach((s, k) => {
    if (s.rows.length !== g.rows) throw planError(`beams.${i}.segments.${k}.rows`, 'one entry per grid row expected', { actual: s.rows.length, limit: g.rows });
    s.rows.forEach((iv, r) => {
      if (iv && iv[1] >= g.cols) throw planError(`beams.${i}.segments.${k}.rows.${r}`, 'interval past the last column', { actual: iv[1], limit: g.cols - 1 });
    });
  });
  if (b.fluence.length !== g.rows || b.fluence.some((row) => row.length !== g.cols)) throw planError(`beams.${i}.fluence`, 'must be grid.rows × grid.cols', { limit: `${g.rows}×${g.cols}` });
}

function checkFluence(b: Plan['beams'][number], i: number): void {
  const got = accumulateFluence(b.grid.rows, b.grid.cols, b.segments);
  for (let r = 0; r < b.grid.rows; r++) {
    for (let c = 0; c < b.grid.cols; c++) {
      const d = Math.abs(got.values[r * b.grid.cols + c] - b.fluence[r][c]);
      if (d > 1e-6) throw planError(`beams.${i}.fluence.${r}.${c}`, 'segments do not deliver the stated fluence', { actual: got.values[r * b.grid.cols + c], limit: b.fluence[r][c], unit: 'MU' });
    }
  }
}

/** Size and nesting are checked before the text is parsed (core/json-limits). */
export function loadPlanFile(text: string, file: string, mlc: MlcModel, protocols: readonly string[], delivery: DeliveryLimits): Plan {
  const r = parseJsonWithin(text, file, JSON_LIMITS.plan);
  if (!r.ok) throw r.error.code === 'LIMIT_EXCEEDED' ? r.error : new BridgeError('PLAN_INVALID', `not valid JSON: ${String((r.error.cause as Error | undefined)?.message).slice(0, 200)}`, { field: file, cause: r.error });
  return validatePlan(r.value, mlc, protocols, delivery);
}
