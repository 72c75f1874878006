/**
 * Setup errors from a CSV (`patient,fraction,lateral_mm,longitudinal_mm,vertical_mm`,
 * rotations optional; the values ARE setup errors) or from journal records.
 * From a journal: one pre-correction sample per patient and fraction, the
 * first registration of the fraction (by acquisition time), approved or not
 * (a correction below the action level is still a setup error); later ones
 * are verification images after a correction and are left out. The setup
 * error is the patient's position relative to the plan, the negative of the
 * correction the registration asks for: e = −correction (docs/registration.md).
 * Bad rows are rejected naming the line and the column; duplicates and
 * implausible values are refused by `checkSetupErrors`.
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
    const fraction = num('fraction');
    if (!Number.isInteger(fraction) || fraction < 1) throw new BridgeError('INPUT_INVALID', 'fraction must be a whole number from 1', { field: `${file}:${i + 2}:fraction`, actual: fraction, limit: '>= 1' });
    return { patient, fraction, lateralMm: num('lateral_mm'), longitudinalMm: num('longitudinal_mm'), verticalMm: num('vertical_mm'), source: `${file}:${i + 2}` };
  });
}

interface JournalRecord {
  readonly kind: string;
  readonly data: unknown;
}

interface JournalRegistration {
  readonly id: string;
  readonly patientId: string;
  readonly fraction: number;
  readonly acquiredAtEpochMs?: number;
  readonly correction: { lateralMm: number; longitudinalMm: number; verticalMm: number };
}

/**
 * The first registration of each patient and fraction, as a setup error (−correction). Pass the
 * records of every journal at once: a fraction journaled twice (a restarted session) still gives one
 * sample. `source` names where each record came from.
 */
export function setupErrorsFromJournal(entries: readonly JournalRecord[], source = 'journal'): SetupError[] {
  const first = new Map<string, { reg: JournalRegistration; order: number }>();
  entries.forEach((e, order) => {
    if (e.kind !== 'registration') return;
    const reg = (e.data as { registration: JournalRegistration }).registration;
    const key = JSON.stringify([reg.patientId, reg.fraction]);
    const held = first.get(key);
    if (!held || (reg.acquiredAtEpochMs ?? Infinity) < (held.reg.acquiredAtEpochMs ?? Infinity)) first.set(key, { reg, order });
  });
  return [...first.values()]
    .sort((a, b) => a.order - b.order)
    .map(({ reg: r }) => ({ patient: r.patientId, fraction: r.fraction, lateralMm: -r.correction.lateralMm, longitudinalMm: -r.correction.longitudinalMm, verticalMm: -r.correction.verticalMm, source: `${source} registration ${r.id}` }));
}
