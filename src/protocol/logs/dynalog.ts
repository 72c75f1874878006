/**
 * Varian Clinac DynaLog (`.dlg`, format letter B): an A file (bank A) and a
 * B file (bank B) that are one log together. ASCII, comma-separated: a
 * six-line header, then per snapshot 14 + 4·leaves integers (shared
 * reference log-formats.md §2; pylinac `DynalogHeader`, `MLC.from_dlog`).
 * Values are kept as logged: leaves 0.01 mm at the MLC plane, jaws mm,
 * angles 0.1°, dose fraction 0…25000.
 */
import { BridgeError } from '../../core/bridge-error.js';
import { err, ok, type Result } from '../../core/result.js';

export const DYNALOG_DOSE_FRACTION_FULL = 25000;
const FIXED_COLUMNS = 14;

export interface DynalogHeader {
  readonly formatLetter: string;
  /** Line 2: `Last,First,ID` as logged. */
  readonly patient: string;
  /** Line 3: plan file name, or `PlanUID,BeamNumber`. */
  readonly plan: string;
  readonly tolerance: number;
  readonly leavesPerBank: number;
  /** 0 Varian scale, 1 IEC 60601-2-1. */
  readonly clinacScale: number;
}

export interface DynalogBank {
  readonly header: DynalogHeader;
  /** snapshots × (14 + 4·leaves) integers, row-major. */
  readonly values: Int32Array;
  readonly snapshots: number;
  readonly columns: number;
}

/** Column of leaf k (0-based) expected / actual position in a DynaLog row. */
export const dynalogLeafColumn = (k: number, which: 'expected' | 'actual'): number => FIXED_COLUMNS + 4 * k + (which === 'expected' ? 0 : 1);
export const DynalogColumn = { doseFraction: 0, segment: 1, beamHoldOff: 2, beamOn: 3, gantry: 6, collimator: 7, y1: 8, y2: 9, x1: 10, x2: 11, carriageA: 12, carriageB: 13 } as const;

const bad = (field: string, summary: string, actual?: string | number, limit?: string | number): Result<never, BridgeError> =>
  err(new BridgeError('FRAME_MALFORMED', summary, { field, actual, limit }));

/** Parses one bank's file; `name` prefixes the field in errors (e.g. `dynalog.A`). */
export function parseDynalogBank(text: string, name: string): Result<DynalogBank, BridgeError> {
  const lines = text.split(/\r?\n/).filter((l, i, all) => l.trim() !== '' || i < all.length - 1);
  if (lines.length < 7) return bad(`${name}.lines`, 'fewer lines than the header and one snapshot', lines.length, 7);
  const formatLetter = lines[0].trim();
  if (formatLetter !== 'B') return bad(`${name}.format`, 'unsupported DynaLog format letter', formatLetter, 'B');
  const leavesPerBank = Number(lines[4].trim());
  if (!Number.isInteger(leavesPerBank) || leavesPerBank < 1 || leavesPerBank > 120) return bad(`${name}.leaves`, 'leaves per bank out of range', lines[4].trim(), '1..120');
  const header: DynalogHeader = { formatLetter, patient: lines[1], plan: lines[2], tolerance: Number(lines[3].trim()), leavesPerBank, clinacScale: Number(lines[5].trim()) };
  const columns = FIXED_COLUMNS + 4 * leavesPerBank;
  const rows = lines.slice(6).filter((l) => l.trim() !== '');
  const values = new Int32Array(rows.length * columns);
  for (let r = 0; r < rows.length; r++) {
    const cells = rows[r].split(',');
    if (cells.length !== columns) return bad(`${name}.line[${r + 7}]`, 'wrong number of values', cells.length, columns);
    for (let c = 0; c < columns; c++) {
      const v = Number(cells[c]);
      if (!Number.isInteger(v)) return bad(`${name}.line[${r + 7}].col[${c}]`, 'not an integer', cells[c].slice(0, 20));
      values[r * columns + c] = v;
    }
  }
  return ok({ header, values, snapshots: rows.length, columns });
}

export interface DynalogPair {
  readonly a: DynalogBank;
  readonly b: DynalogBank;
}

/** Parses an A/B pair and checks that they belong together (same plan, leaves and snapshot count). */
export function parseDynalogPair(textA: string, textB: string): Result<DynalogPair, BridgeError> {
  const a = parseDynalogBank(textA, 'dynalog.A');
  if (!a.ok) return a;
  const b = parseDynalogBank(textB, 'dynalog.B');
  if (!b.ok) return b;
  if (a.value.header.plan !== b.value.header.plan) return bad('dynalog.B.plan', 'A and B files are of different beams', b.value.header.plan, a.value.header.plan);
  if (a.value.header.leavesPerBank !== b.value.header.leavesPerBank) return bad('dynalog.B.leaves', 'A and B leaf counts differ', b.value.header.leavesPerBank, a.value.header.leavesPerBank);
  if (a.value.snapshots !== b.value.snapshots) return bad('dynalog.B.snapshots', 'A and B snapshot counts differ', b.value.snapshots, a.value.snapshots);
  return ok({ a: a.value, b: b.value });
}
