/**
 * Turns an untrusted wire message into a Registration, or a rejection that
 * names the field and the limit. Checks, in order: shape and types, units,
 * finite and plausible values, identity against the session, age, and whether
 * it was acquired before the couch last moved.
 */
import { BridgeError } from '../../core/bridge-error.js';
import { ID_PATTERN, ID_RULE, NO_CONTROL_PATTERN } from '../../core/identifiers.js';
import type { Pose6 } from '../../core/pose.js';
import { err, ok, type Result } from '../../core/result.js';
import { CORRECTION_FRAMES, type CorrectionFrame } from '../couch/couch-correction.js';
import { PLAUSIBLE_ROTATION_DEG, PLAUSIBLE_TRANSLATION_MM, type Registration, type RegistrationMethod, type SessionIdentity } from './registration.js';

export interface RegistrationCheckContext {
  /** Undefined: identity is checked later (the pipeline's checkIdentity). */
  readonly identity: SessionIdentity | undefined;
  readonly nowEpochMs: number;
  readonly maxAgeMs: number;
  /** Wall time the couch last moved; a registration acquired before it no longer describes the patient. */
  readonly lastCouchMoveEpochMs?: number;
}

const METHODS: readonly RegistrationMethod[] = ['bony', 'soft-tissue', 'fiducial'];
const AXES = [
  ['lateral', 'lateralMm', PLAUSIBLE_TRANSLATION_MM, 'mm'],
  ['longitudinal', 'longitudinalMm', PLAUSIBLE_TRANSLATION_MM, 'mm'],
  ['vertical', 'verticalMm', PLAUSIBLE_TRANSLATION_MM, 'mm'],
  ['pitch', 'pitchDeg', PLAUSIBLE_ROTATION_DEG, 'deg'],
  ['roll', 'rollDeg', PLAUSIBLE_ROTATION_DEG, 'deg'],
  ['yaw', 'yawDeg', PLAUSIBLE_ROTATION_DEG, 'deg'],
] as const;

const invalid = (field: string, summary: string, extra: { limit?: string | number; actual?: string | number; unit?: string } = {}) =>
  new BridgeError('REG_INVALID', summary, { field: `registration.${field}`, ...extra });

function str(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > 256) throw invalid(key, 'must be a non-empty string', { limit: '1..256 characters' });
  if (!NO_CONTROL_PATTERN.test(v)) throw invalid(key, 'must not contain control characters', { actual: JSON.stringify(v.slice(0, 64)) });
  return v;
}

/** patientId, planId: the plan's identifier pattern (they must equal the plan's, which follow it). */
function id(o: Record<string, unknown>, key: string): string {
  const v = str(o, key);
  if (!ID_PATTERN.test(v)) throw invalid(key, 'not a valid identifier', { actual: JSON.stringify(v.slice(0, 64)), limit: ID_RULE });
  return v;
}

function time(o: Record<string, unknown>, key: string): number {
  const t = Date.parse(str(o, key));
  if (!Number.isFinite(t)) throw invalid(key, 'must be an ISO-8601 time', { actual: String(o[key]) });
  return t;
}

/** Rotations labelled radians but larger than this can only be degrees: a unit error. */
export const MAX_PLAUSIBLE_RADIANS = (PLAUSIBLE_ROTATION_DEG * Math.PI) / 180;

function correction(o: Record<string, unknown>): Pose6 {
  const units = o.units as Record<string, unknown> | undefined;
  if (units?.translation !== 'mm') throw invalid('units.translation', 'unknown translation unit', { actual: String(units?.translation), limit: 'mm' });
  if (units?.rotation !== 'deg' && units?.rotation !== 'rad') throw invalid('units.rotation', 'unknown rotation unit', { actual: String(units?.rotation), limit: 'deg | rad' });
  const radians = units.rotation === 'rad';
  const c = o.correction as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object') throw invalid('correction', 'missing');
  const out: Record<string, number> = {};
  for (const [wire, key, limit, unit] of AXES) {
    const raw = c[wire];
    if (typeof raw !== 'number' || !Number.isFinite(raw)) throw invalid(`correction.${wire}`, 'must be a finite number', { actual: String(raw), unit });
    if (radians && unit === 'deg' && Math.abs(raw) > MAX_PLAUSIBLE_RADIANS) {
      throw invalid(`correction.${wire}`, 'labelled radians but only plausible as degrees', { actual: raw, limit: `|value| <= ${MAX_PLAUSIBLE_RADIANS.toFixed(4)}`, unit: 'rad' });
    }
    const v = radians && unit === 'deg' ? (raw * 180) / Math.PI : raw;
    if (Math.abs(v) > limit) throw new BridgeError('LIMIT_EXCEEDED', 'exceeds the plausible correction', { field: `registration.correction.${wire}`, actual: v, limit, unit });
    out[key] = v;
  }
  return out as unknown as Pose6;
}

function parse(raw: unknown): Registration {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('(root)', 'must be a JSON object');
  const o = raw as Record<string, unknown>;
  if ('unparseable' in o) throw invalid('(root)', `not a readable registration (${String(o.reason ?? 'not JSON')})`, { actual: String(o.unparseable).slice(0, 64) });
  const fraction = o.fraction;
  if (typeof fraction !== 'number' || !Number.isInteger(fraction) || fraction < 1) throw invalid('fraction', 'must be an integer >= 1', { actual: String(fraction), limit: '>= 1' });
  const method = o.method as RegistrationMethod;
  if (!METHODS.includes(method)) throw invalid('method', 'unknown method', { actual: String(method), limit: METHODS.join(' | ') });
  const quality = o.quality;
  if (typeof quality !== 'number' || !(quality >= 0 && quality <= 1)) throw invalid('quality', 'must be in 0..1', { actual: String(quality), limit: '0..1' });
  return {
    id: str(o, 'id'), patientId: id(o, 'patientId'), planId: id(o, 'planId'), fraction, imageSeries: str(o, 'imageSeries'),
    acquiredAtEpochMs: time(o, 'acquiredAt'), registeredAtEpochMs: time(o, 'registeredAt'), method, roiName: str(o, 'roiName'),
    correction: correction(o), ...frame(o), quality, source: str(o, 'source'),
  };
}

/** The correction's frame, when the source declares it (docs/coordinates.md); absent stays absent, anything else is refused. */
function frame(o: Record<string, unknown>): { frame?: CorrectionFrame } {
  if (o.frame === undefined) return {};
  if (!CORRECTION_FRAMES.includes(o.frame as CorrectionFrame)) throw invalid('frame', 'unknown correction frame', { actual: String(o.frame), limit: CORRECTION_FRAMES.join(' | ') });
  return { frame: o.frame as CorrectionFrame };
}

export function validateRegistration(raw: unknown, ctx: RegistrationCheckContext): Result<Registration, BridgeError> {
  let reg: Registration;
  try {
    reg = parse(raw);
  } catch (e) {
    return err(e as BridgeError);
  }
  if (!ctx.identity) return ok(reg);
  for (const key of ['patientId', 'planId', 'fraction'] as const) {
    if (reg[key] !== ctx.identity[key]) {
      return err(new BridgeError('PATIENT_MISMATCH', 'does not match the session', { field: `registration.${key}`, actual: String(reg[key]), limit: String(ctx.identity[key]) }));
    }
  }
  const ageMs = ctx.nowEpochMs - reg.acquiredAtEpochMs;
  if (ageMs > ctx.maxAgeMs) return err(new BridgeError('REG_STALE', 'image is too old', { field: 'registration.acquiredAt', actual: Math.round(ageMs), limit: ctx.maxAgeMs, unit: 'ms' }));
  if (ageMs < -5_000) return err(new BridgeError('REG_INVALID', 'acquired in the future', { field: 'registration.acquiredAt', actual: Math.round(ageMs), limit: '>= -5000', unit: 'ms' }));
  if (ctx.lastCouchMoveEpochMs !== undefined && reg.acquiredAtEpochMs < ctx.lastCouchMoveEpochMs) {
    return err(new BridgeError('REG_STALE', 'acquired before the couch last moved', { field: 'registration.acquiredAt', actual: new Date(reg.acquiredAtEpochMs).toISOString(), limit: `>= ${new Date(ctx.lastCouchMoveEpochMs).toISOString()}` }));
  }
  return ok(reg);
}
