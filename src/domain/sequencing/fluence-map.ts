/** An integer fluence map (rows = leaf pairs, columns = bixels along leaf travel), parsed from CSV and checked. */
import { BridgeError } from '../../core/bridge-error.js';

export interface FluenceMap {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values, integers ≥ 0 (MU levels). */
  readonly values: Int32Array;
}

export const at = (m: FluenceMap, r: number, c: number): number => m.values[r * m.cols + c];

/** Parses `1,2,0\n…`; rejects empty input, non-integers, negatives and ragged rows, naming line and column. */
export function parseFluenceCsv(text: string, source = 'map'): FluenceMap {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) throw new BridgeError('INPUT_INVALID', 'empty fluence map', { field: source });
  const cols = lines[0].split(',').length;
  const values = new Int32Array(lines.length * cols);
  lines.forEach((line, r) => {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== cols) throw new BridgeError('INPUT_INVALID', 'ragged rows: every row needs the same number of columns', { field: `${source}:${r + 1}`, actual: cells.length, limit: cols });
    cells.forEach((cell, c) => {
      if (!/^-?\d+$/.test(cell)) throw new BridgeError('INPUT_INVALID', 'not an integer', { field: `${source}:${r + 1}:${c + 1}`, actual: cell });
      const v = Number(cell);
      if (v < 0) throw new BridgeError('INPUT_INVALID', 'negative fluence', { field: `${source}:${r + 1}:${c + 1}`, actual: v, limit: '>= 0' });
      if (v > 100_000) throw new BridgeError('INPUT_INVALID', 'fluence level too large', { field: `${source}:${r + 1}:${c + 1}`, actual: v, limit: '<= 100000' });
      values[r * cols + c] = v;
    });
  });
  return { rows: lines.length, cols, values };
}

/** Row complexity: the sum of positive increments (with a zero before the first bixel). */
export function rowComplexity(m: FluenceMap, r: number): number {
  let c = 0;
  let prev = 0;
  for (let j = 0; j < m.cols; j++) {
    const v = at(m, r, j);
    if (v > prev) c += v - prev;
    prev = v;
  }
  return c;
}

/** The exact minimum total MU without leaf constraints: max over rows of the row complexity. */
export function unconstrainedMinimumMu(m: FluenceMap): number {
  let c = 0;
  for (let r = 0; r < m.rows; r++) c = Math.max(c, rowComplexity(m, r));
  return c;
}
