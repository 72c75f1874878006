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
  /**
   * Now on the epoch timeline, from the bridge's monotonic clock (anchored to
   * the wall clock once, at start), so a wall clock set back or forward later
   * changes nothing, ms.
   */
  readonly nowEpochMs: number;
  readonly maxAgeMs: number;
  /** How far an imaging clock may be from the bridge's; checked on every result, and allowed for in every age, ms. */
  readonly maxClockSkewMs: number;
  /** When readback last showed the couch settled after a move (same timeline as nowEpochMs); undefined before any move. */
  readonly couchSettledEpochMs?: number;
  /** A move was commanded (or motion seen) and readback has not yet shown the couch settled. */
  readonly couchUnsettled?: boolean;
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

/**
 * Too old, from the future, or acquired before the couch settled. Image times
 * are on the imaging system's clock: a result stamped further ahead of the
 * bridge than `maxClockSkewMs` is refused (its clock cannot be trusted), and
 * every judgement assumes the image is up to that skew older than stamped.
 */
export function checkAge(ctx: () => CheckContext): OperatorFunction<Verdict, Verdict> {
  return map((v) => {
    if (!v.ok) return v;
    const c = ctx();
    const { acquiredAtEpochMs: acquired, registeredAtEpochMs: registered } = v.registration;
    const aheadMs = Math.max(acquired, registered) - c.nowEpochMs;
    if (aheadMs > c.maxClockSkewMs) {
      return reject(v, new BridgeError('REG_INVALID', 'stamped in the future beyond the allowed clock skew', { field: 'registration.registeredAt', actual: Math.round(aheadMs), limit: c.maxClockSkewMs, unit: 'ms' }));
    }
    const earliestAcquired = acquired - c.maxClockSkewMs;
    const ageMs = c.nowEpochMs - earliestAcquired;
    if (ageMs > c.maxAgeMs) return reject(v, new BridgeError('REG_STALE', 'image is too old', { field: 'registration.acquiredAt', actual: Math.round(ageMs), limit: c.maxAgeMs, unit: 'ms' }));
    if (c.couchUnsettled) return reject(v, new BridgeError('REG_STALE', 'the couch has not settled since it last moved', { field: 'couch.settled', actual: 'moving' }));
    if (c.couchSettledEpochMs !== undefined && earliestAcquired < c.couchSettledEpochMs) {
      return reject(v, new BridgeError('REG_STALE', 'acquired before the couch settled', { field: 'registration.acquiredAt', actual: new Date(acquired).toISOString(), limit: `>= ${new Date(c.couchSettledEpochMs + c.maxClockSkewMs).toISOString()}` }));
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
