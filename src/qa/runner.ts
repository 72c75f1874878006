/**
 * Runs a selection of QA checks one after another on one rig and collects a run record:
 * machine, start time, software version, operator and each check's result. A check that
 * throws is recorded as failed with the error (the next check still runs).
 */
import { isBridgeError } from '../core/bridge-error.js';
import type { QaCheckDefinition } from './checks/index.js';
import type { QaCheckOptions } from './qa-rig.js';
import { worstStatus, type QaCheckResult, type QaStatus } from './qa-types.js';

export interface QaRunMeta {
  readonly machine: string;
  readonly operator: string;
  /** e.g. "linac-bridge 0.1.0". */
  readonly software: string;
}

export interface QaRunRecord extends QaRunMeta {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly status: QaStatus;
  readonly checks: readonly QaCheckResult[];
}

export type QaProgress = (check: string, index: number, count: number, fraction: number, label: string) => void;

export async function runQa(
  checks: readonly QaCheckDefinition[],
  opts: Omit<QaCheckOptions, 'progress' | 'operator'>,
  meta: QaRunMeta,
  progress: QaProgress = () => undefined,
  now: () => Date = () => new Date(),
): Promise<QaRunRecord> {
  const startedAt = now();
  const results: QaCheckResult[] = [];
  for (const [i, c] of checks.entries()) {
    const o: QaCheckOptions = { ...opts, operator: meta.operator, progress: (f, label) => progress(c.name, i, checks.length, f, label) };
    try {
      results.push(await c.run(o));
    } catch (e) {
      const why = isBridgeError(e) ? e.message : String((e as Error)?.message ?? e);
      results.push({ name: c.name, status: 'fail', tolerance: {}, items: [], notes: [`the check could not complete: ${why}`] });
    }
  }
  return {
    ...meta,
    runId: `${startedAt.toISOString().replace(/[-:.]/g, '')}-${Math.random().toString(16).slice(2, 8)}`,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    status: worstStatus(results.map((r) => r.status)),
    checks: results,
  };
}
