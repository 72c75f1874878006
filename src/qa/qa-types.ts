/**
 * The shapes every machine-QA check reports (issue 13): a status per item
 * (per leaf, per axis, per interlock) against a tolerance level and an action
 * level from the clinic's tolerance table. Shared by the runner, the reports
 * and each check module.
 */

/** pass: within the action level; action: beyond the action level, within tolerance; fail: beyond tolerance. */
export type QaStatus = 'pass' | 'action' | 'fail';

export interface QaItem {
  /** What was measured, named as a physicist would: "A17" (bank A, leaf 17, 1-based), "lateral", "IL-DOOR". */
  readonly id: string;
  readonly measured: number;
  readonly expected: number;
  /** measured − expected, in `unit`. */
  readonly error: number;
  readonly unit: string;
  readonly status: QaStatus;
  /** Anything beside the measurement a physicist wants next to it (e.g. the controller's own readback). */
  readonly detail?: Readonly<Record<string, number | string | boolean>>;
  /** The levels this item was judged against, when the check has several (plots draw them). */
  readonly limits?: Pick<QaTolerance, 'tolerance' | 'action'>;
}

export interface QaTolerance {
  /** |error| above this is a fail. */
  readonly tolerance: number;
  /** |error| above this (and within tolerance) calls for action. */
  readonly action: number;
  readonly unit: string;
  /** Where the level comes from, e.g. "AAPM TG-142 Table V (monthly)". */
  readonly source: string;
}

export interface QaCheckResult {
  readonly name: string;
  readonly status: QaStatus;
  readonly tolerance: QaTolerance | Readonly<Record<string, QaTolerance>>;
  readonly items: readonly QaItem[];
  readonly notes?: readonly string[];
}

/** The worst status of a set of items (an empty set passes). */
export function worstStatus(statuses: Iterable<QaStatus>): QaStatus {
  let worst: QaStatus = 'pass';
  for (const s of statuses) {
    if (s === 'fail') return 'fail';
    if (s === 'action') worst = 'action';
  }
  return worst;
}

/** The status of one error against a tolerance row. */
export function statusOf(error: number, t: Pick<QaTolerance, 'tolerance' | 'action'>): QaStatus {
  const e = Math.abs(error);
  if (!(e <= t.tolerance)) return 'fail'; // NaN is a fail, never a pass
  return e > t.action ? 'action' : 'pass';
}
