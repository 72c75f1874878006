/**
 * report.json: exactly { machine, startedAt, software, checks: [ { name, status, tolerance,
 * items: [ { id, measured, expected, error, unit, status } ] } ] } (issue 13); nothing else,
 * so other tools can rely on the shape. Operator, notes and details are in the database and
 * the HTML report.
 */
import type { QaRunRecord } from '../runner.js';

export interface QaReportJson {
  readonly machine: string;
  readonly startedAt: string;
  readonly software: string;
  readonly checks: ReadonlyArray<{
    readonly name: string;
    readonly status: 'pass' | 'action' | 'fail';
    readonly tolerance: unknown;
    readonly items: ReadonlyArray<{ readonly id: string; readonly measured: number; readonly expected: number; readonly error: number; readonly unit: string; readonly status: 'pass' | 'action' | 'fail' }>;
  }>;
}

export function reportJson(run: QaRunRecord): QaReportJson {
  return {
    machine: run.machine,
    startedAt: run.startedAt,
    software: run.software,
    checks: run.checks.map((c) => ({
      name: c.name,
      status: c.status,
      tolerance: c.tolerance,
      items: c.items.map((i) => ({ id: i.id, measured: i.measured, expected: i.expected, error: i.error, unit: i.unit, status: i.status })),
    })),
  };
}
