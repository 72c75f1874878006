/**
 * QA results in an embedded SQLite database (better-sqlite3), in the schema of
 * qa-schema.sql, which PostgreSQL accepts as well. One run is written in one transaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../core/project-root.js';
import Database from 'better-sqlite3';
import type { QaRunRecord } from '../runner.js';
import type { QaStatus } from '../qa-types.js';
import { worstFraction } from '../worst-fraction.js';

/** Read from the source tree (dist/ holds only compiled code). */
export const QA_SCHEMA_FILE = path.join(PROJECT_ROOT, 'src', 'qa', 'store', 'qa-schema.sql');

export interface QaRunRow {
  readonly runId: string;
  readonly machine: string;
  readonly startedAt: string;
  readonly operator: string;
  readonly software: string;
  readonly status: QaStatus;
  readonly checks: string;
}

export interface QaTrendPoint {
  readonly runId: string;
  readonly machine: string;
  readonly startedAt: string;
  readonly status: QaStatus;
  /** Largest |error| / tolerance of the check in that run (1 = at tolerance). */
  readonly worstFraction: number;
  readonly worstItem: string | null;
}

export class QaStore {
  private constructor(private readonly db: Database.Database) {}

  /** Opens (creating it and its folder when needed) and applies the schema. */
  static open(file: string): QaStore {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(file);
    db.pragma('foreign_keys = ON');
    db.exec(fs.readFileSync(QA_SCHEMA_FILE, 'utf8'));
    return new QaStore(db);
  }

  save(run: QaRunRecord): void {
    const insRun = this.db.prepare('INSERT INTO qa_run (run_id, machine, started_at, finished_at, operator, software, status) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insCheck = this.db.prepare('INSERT INTO qa_check (run_id, check_name, status, tolerance_json, notes_json, worst_fraction, worst_item) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insItem = this.db.prepare('INSERT INTO qa_item (run_id, check_name, item_id, measured, expected, error, unit, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      insRun.run(run.runId, run.machine, run.startedAt, run.finishedAt, run.operator, run.software, run.status);
      for (const c of run.checks) {
        const w = worstFraction(c);
        insCheck.run(run.runId, c.name, c.status, JSON.stringify(c.tolerance), JSON.stringify(c.notes ?? []), w.fraction, w.item ?? null);
        for (const i of c.items) insItem.run(run.runId, c.name, i.id, i.measured, i.expected, i.error, i.unit, i.status);
      }
    })();
  }

  /** Past runs, newest first. */
  runs(limit = 50, machine?: string): QaRunRow[] {
    return this.db.prepare(
      `SELECT r.run_id AS runId, r.machine, r.started_at AS startedAt, r.operator, r.software, r.status,
              (SELECT group_concat(check_name, ' ') FROM qa_check c WHERE c.run_id = r.run_id) AS checks
         FROM qa_run r ${machine ? 'WHERE r.machine = ?' : ''} ORDER BY r.started_at DESC LIMIT ?`,
    ).all(...(machine ? [machine, limit] : [limit])) as QaRunRow[];
  }

  /** One check across runs, oldest first (the trend). */
  trend(checkName: string, machine?: string, limit = 100): QaTrendPoint[] {
    const rows = this.db.prepare(
      `SELECT r.run_id AS runId, r.machine, r.started_at AS startedAt, c.status, c.worst_fraction AS worstFraction, c.worst_item AS worstItem
         FROM qa_check c JOIN qa_run r ON r.run_id = c.run_id
        WHERE c.check_name = ? ${machine ? 'AND r.machine = ?' : ''} ORDER BY r.started_at DESC LIMIT ?`,
    ).all(...(machine ? [checkName, machine, limit] : [checkName, limit])) as QaTrendPoint[];
    return rows.reverse();
  }

  /** Every check name stored. */
  checkNames(): string[] {
    return (this.db.prepare('SELECT DISTINCT check_name AS name FROM qa_check ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name);
  }

  close(): void {
    this.db.close();
  }
}
