/**
 * The registration validation pipeline: every source becomes one stream of
 * candidates, and each small operator either passes a verdict on or turns an
 * accepted one into a rejection that names the field and the limit. Bad data
 * never errors the stream.
 *
 *   http ─┐
 *   ws ───┤                                                           ┌─▶ accepted → session
 *   folder┼─ merge ─▶ validateShape ─▶ checkIdentity ─▶ checkAge ─▶ dropReplays ─▶ rejectOutOfOrder ─┤
 *   sim ──┘                                                           └─▶ rejected → journal
 */
import { type Observable, type OperatorFunction, defer, map } from 'rxjs';
import { BridgeError } from '../../core/bridge-error.js';
import type { Registration, SessionIdentity } from './registration.js';
import { validateRegistration } from './validate-registration.js';

export interface Candidate {
  readonly raw: unknown;
  /** Where it came from: `http`, `ws`, `folder:<file>`, `sim`, … */
  readonly source: string;
  /** Refused by its source before parsing (too large, nested too deeply); `raw` then holds its size and depth, not the body. */
  readonly refusal?: BridgeError;
}

export type Verdict =
  | { readonly ok: true; readonly registration: Registration; readonly source: string }
  | { readonly ok: false; readonly error: BridgeError; readonly source: string; readonly raw: unknown; readonly registrationId?: string };

export interface CheckContext {
  readonly identity: SessionIdentity | undefined;
  readonly nowEpochMs: number;
  readonly maxAgeMs: number;
  readonly lastCouchMoveEpochMs?: number;
}

const reject = (v: Verdict & { ok: true }, error: BridgeError): Verdict => ({ ok: false, error, source: v.source, raw: v.registration, registrationId: v.registration.id });

/** Shape, types, units, finite and plausible values. Identity and age come later. */
export function validateShape(): OperatorFunction<Candidate, Verdict> {
  return map((c) => {
    if (c.refusal) return { ok: false, error: c.refusal, source: c.source, raw: c.raw };
    const r = validateRegistration(c.raw, { identity: undefined, nowEpochMs: Number.NaN, maxAgeMs: Number.POSITIVE_INFINITY });
    return r.ok ? { ok: true, registration: r.value, source: c.source } : { ok: false, error: r.error, source: c.source, raw: c.raw };
  });
}

/** Patient, plan and fraction must match the session; a mismatch is a wrong-patient event. */
export function checkIdentity(ctx: () => CheckContext): OperatorFunction<Verdict, Verdict> {
  return map((v) => {
    if (!v.ok) return v;
    const id = ctx().identity;
    if (!id) return reject(v, new BridgeError('REG_INVALID', 'no plan is loaded', { field: 'session.plan' }));
    for (const key of ['patientId', 'planId', 'fraction'] as const) {
      if (v.registration[key] !== id[key]) return reject(v, new BridgeError('PATIENT_MISMATCH', 'does not match the session', { field: `registration.${key}`, actual: String(v.registration[key]), limit: String(id[key]) }));
    }
    return v;
  });
}

/** Too old, from the future, or acquired before the couch last moved. */
export function checkAge(ctx: () => CheckContext): OperatorFunction<Verdict, Verdict> {
  return map((v) => {
    if (!v.ok) return v;
    const c = ctx();
    const acquired = v.registration.acquiredAtEpochMs;
    const ageMs = c.nowEpochMs - acquired;
    if (ageMs > c.maxAgeMs) return reject(v, new BridgeError('REG_STALE', 'image is too old', { field: 'registration.acquiredAt', actual: Math.round(ageMs), limit: c.maxAgeMs, unit: 'ms' }));
    if (ageMs < -5_000) return reject(v, new BridgeError('REG_INVALID', 'acquired in the future', { field: 'registration.acquiredAt', actual: Math.round(ageMs), limit: '>= -5000', unit: 'ms' }));
    if (c.lastCouchMoveEpochMs !== undefined && acquired < c.lastCouchMoveEpochMs) {
      return reject(v, new BridgeError('REG_STALE', 'acquired before the couch last moved', { field: 'registration.acquiredAt', actual: new Date(acquired).toISOString(), limit: `>= ${new Date(c.lastCouchMoveEpochMs).toISOString()}` }));
    }
    return v;
  });
}

/** A result whose id was seen before does nothing (it is rejected as a replay). */
export function dropReplays(): OperatorFunction<Verdict, Verdict> {
  return (source: Observable<Verdict>) =>
    defer(() => {
      const seen = new Set<string>();
      return source.pipe(
        map((v) => {
          if (!v.ok) return v;
          if (seen.has(v.registration.id)) return reject(v, new BridgeError('REG_INVALID', 'duplicate: this registration was already received', { field: 'registration.id', actual: v.registration.id }));
          seen.add(v.registration.id);
          return v;
        }),
      );
    });
}

/** DICOM times (TM) resolve whole seconds: results within this of each other are not "out of order". */
export const ORDER_TOLERANCE_MS = 1000;

/** A result registered before the newest accepted one of the same fraction (beyond the tolerance) is out of order. */
export function rejectOutOfOrder(): OperatorFunction<Verdict, Verdict> {
  return (source: Observable<Verdict>) =>
    defer(() => {
      const newest = new Map<string, number>();
      return source.pipe(
        map((v) => {
          if (!v.ok) return v;
          const key = `${v.registration.patientId}/${v.registration.planId}/${v.registration.fraction}`;
          const prev = newest.get(key);
          if (prev !== undefined && v.registration.registeredAtEpochMs < prev - ORDER_TOLERANCE_MS) {
            return reject(v, new BridgeError('REG_STALE', 'out of order: registered before the newest accepted result', { field: 'registration.registeredAt', actual: new Date(v.registration.registeredAtEpochMs).toISOString(), limit: `>= ${new Date(prev - ORDER_TOLERANCE_MS).toISOString()}` }));
          }
          newest.set(key, Math.max(prev ?? -Infinity, v.registration.registeredAtEpochMs));
          return v;
        }),
      );
    });
}

/** The whole pipeline, in order. */
export function registrationPipeline(ctx: () => CheckContext): OperatorFunction<Candidate, Verdict> {
  return (source) => source.pipe(validateShape(), checkIdentity(ctx), checkAge(ctx), dropReplays(), rejectOutOfOrder());
}
