/**
 * QA tolerance tables as data (config/qa/*.json): the default table carries the
 * TG-142 / MPPG rows with their sources; a clinic's file may only tighten them.
 * Validation is strict (unknown keys refused) and a refusal names the key and
 * the value (BridgeError CONFIG_INVALID, field "<file>:<key path>", actual = the value).
 */
import path from 'node:path';
import { z } from 'zod';
import { BridgeError } from '../core/bridge-error.js';
import { PROJECT_ROOT } from '../core/project-root.js';
import { readConfigJson } from '../config/load-config.js';
import { issueKeyPath, issueSummary } from '../config/zod-issue.js';
import type { QaTolerance } from './qa-types.js';

export const DEFAULT_TOLERANCE_FILE = path.join(PROJECT_ROOT, 'config', 'qa', 'tg142-mppg.json');

const RowSchema = z.strictObject({
  /** |error| above this fails. */
  tolerance: z.number().finite().min(0),
  /** |error| above this (within tolerance) calls for action. */
  action: z.number().finite().min(0),
  unit: z.enum(['mm', 'deg', 'ms', 'mm/s', 'functions', '%']),
  source: z.string().min(1).max(400),
}).refine((r) => r.action <= r.tolerance, { message: 'action level must not exceed the tolerance', path: ['action'] });

const TableSchema = z.strictObject({
  name: z.string().min(1).max(200),
  rows: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/), RowSchema),
});

export type ToleranceRow = z.infer<typeof RowSchema>;

export interface ToleranceTable {
  readonly name: string;
  /** Files the table was built from, default first. */
  readonly files: readonly string[];
  readonly rows: Readonly<Record<string, Readonly<ToleranceRow>>>;
}

function valueAt(raw: unknown, keys: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const k of keys) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

const show = (v: unknown): string => (v === undefined ? '(missing)' : JSON.stringify(v).slice(0, 80));

/** Reads and validates one table file; refuses it whole naming the key and the value. */
export function readToleranceFile(file: string): z.infer<typeof TableSchema> {
  const value = readConfigJson(file);
  const r = TableSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const keys = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  const actual = issue.code === 'invalid_key' ? String(issue.path.at(-1)) : show(valueAt(value, keys));
  throw new BridgeError('CONFIG_INVALID', issueSummary(issue), { field: `${path.basename(file)}:${issueKeyPath(issue)}`, actual });
}

/**
 * The default table, tightened by each clinic file in order. A clinic row must name a
 * default row, keep its unit, and not raise its tolerance or its action level.
 */
export function loadToleranceTable(clinicFiles: readonly string[] = [], defaultFile = DEFAULT_TOLERANCE_FILE): ToleranceTable {
  const base = readToleranceFile(defaultFile);
  const rows: Record<string, ToleranceRow> = { ...base.rows };
  let name = base.name;
  for (const file of clinicFiles) {
    const clinic = readToleranceFile(file);
    for (const [key, row] of Object.entries(clinic.rows)) {
      const field = `${path.basename(file)}:rows.${key}`;
      const was = rows[key];
      if (!was) throw new BridgeError('CONFIG_INVALID', 'not a row of the default table', { field, actual: key, limit: Object.keys(rows).join(' | ') });
      if (row.unit !== was.unit) throw new BridgeError('CONFIG_INVALID', 'unit differs from the default table', { field: `${field}.unit`, actual: row.unit, limit: was.unit });
      if (row.tolerance > was.tolerance) throw new BridgeError('CONFIG_INVALID', 'a clinic table may only tighten a tolerance', { field: `${field}.tolerance`, actual: row.tolerance, limit: `<= ${was.tolerance}`, unit: row.unit });
      if (row.action > was.action) throw new BridgeError('CONFIG_INVALID', 'a clinic table may only tighten an action level', { field: `${field}.action`, actual: row.action, limit: `<= ${was.action}`, unit: row.unit });
      rows[key] = row;
    }
    name = `${name} + ${clinic.name}`;
  }
  return Object.freeze({ name, files: [defaultFile, ...clinicFiles], rows: Object.freeze(rows) });
}

/** One row as the QaTolerance a check reports; a missing row is a config error naming it. */
export function toleranceFor(table: ToleranceTable, key: string): QaTolerance {
  const row = table.rows[key];
  if (!row) throw new BridgeError('CONFIG_INVALID', 'tolerance row missing', { field: `qa tolerances: rows.${key}`, limit: Object.keys(table.rows).join(' | ') });
  return { tolerance: row.tolerance, action: row.action, unit: row.unit, source: row.source };
}
