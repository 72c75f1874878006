/**
 * Setup errors from a CSV (`patient,fraction,lateral_mm,longitudinal_mm,vertical_mm`,
 * rotations optional) or from journal records (the corrections the operator
 * approved). The setup error is taken as the applied correction (same sign).
 * Bad rows are rejected naming the line and the column.
 */
import { BridgeError } from '../../core/bridge-error.js';
import type { SetupError } from './setup-margins.js';

const REQUIRED = ['patient', 'fraction', 'lateral_mm', 'longitudinal_mm', 'vertical_mm'] as const;

export function parseSetupErrorCsv(text: string, file: string): SetupError[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new BridgeError('INPUT_INVALID', 'empty file', { field: file });
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  for (const col of REQUIRED) if (!header.includes(col)) throw new BridgeError('INPUT_INVALID', 'missing column', { field: `${file}:1`, actual: header.join(','), limit: col });
  const at = (name: string) => header.indexOf(name);
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    const num = (col: string): number => {
      const v = Number(cells[at(col)]);
      if (cells[at(col)] === '' || !Number.isFinite(v)) throw new BridgeError('INPUT_INVALID', 'not a finite number', { field: `${file}:${i + 2}:${col}`, actual: cells[at(col)] ?? '' });
      return v;
    };
    if (cells.length !== header.length) throw new BridgeError('INPUT_INVALID', 'wrong number of columns', { field: `${file}:${i + 2}`, actual: cells.length, limit: header.length });
    const patient = cells[at('patient')];
    if (!patient) throw new BridgeError('INPUT_INVALID', 'empty patient', { field: `${file}:${i + 2}:patient` });
    return { patient, fraction: num('fraction'), lateralMm: num('lateral_mm'), longitudinalMm: num('longitudinal_mm'), verticalMm: num('vertical_mm') };
  });
}

interface JournalRecord {
  readonly kind: string;
  readonly data: unknown;
}

/** Applied corrections from journal records: registrations whose id an operator approved. */
export function setupErrorsFromJournal(entries: readonly JournalRecord[]): SetupError[] {
  const approved = new Set(entries.filter((e) => e.kind === 'operator' && (e.data as { type?: string }).type === 'APPROVE').map((e) => (e.data as { registrationId: string }).registrationId));
  const out: SetupError[] = [];
  for (const e of entries) {
    if (e.kind !== 'registration') continue;
    const r = (e.data as { registration: { id: string; patientId: string; fraction: number; correction: { lateralMm: number; longitudinalMm: number; verticalMm: number } } }).registration;
    if (!approved.has(r.id)) continue;
    out.push({ patient: r.patientId, fraction: r.fraction, lateralMm: r.correction.lateralMm, longitudinalMm: r.correction.longitudinalMm, verticalMm: r.correction.verticalMm });
  }
  return out;
}
