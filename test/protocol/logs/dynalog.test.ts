import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynalogColumn, dynalogLeafColumn, parseDynalogPair } from '../../../src/protocol/logs/dynalog.js';

const FIX = path.resolve(__dirname, '../../fixtures/tlog');
const A = fs.readFileSync(path.join(FIX, 'AQA.dlg'), 'latin1');
const B = fs.readFileSync(path.join(FIX, 'BQA.dlg'), 'latin1');

describe('DynaLog pair parser', () => {
  it('reads the reference pair: format B, 60 leaves per bank, 99 snapshots, the first row as in the file', () => {
    const r = parseDynalogPair(A, B);
    if (!r.ok) throw r.error;
    const { a, b } = r.value;
    expect([a.header.formatLetter, a.header.leavesPerBank, a.snapshots, b.snapshots, a.header.clinacScale]).toEqual(['B', 60, 99, 99, 1]);
    expect(a.header.plan).toBe('1.2.246.352.71.5.1399119341.107477.20110923193623,21');
    const first = A.split('\n')[6].split(',').map(Number);
    expect(a.values[DynalogColumn.doseFraction + a.columns]).toBe(100);
    expect(a.values[dynalogLeafColumn(0, 'expected')]).toBe(first[14]);
    expect(a.values[dynalogLeafColumn(0, 'actual')]).toBe(first[15]);
    expect(a.values[DynalogColumn.y1]).toBe(200);
  });

  it('refuses an A and a B file of different beams', () => {
    const other = B.replace('107477.20110923193623,21', '107477.20110923193623,22');
    const r = parseDynalogPair(A, other);
    expect(!r.ok && [r.error.code, r.error.field]).toEqual(['FRAME_MALFORMED', 'dynalog.B.plan']);
  });

  it('refuses a row with a missing value, naming the line', () => {
    const lines = A.split('\n');
    lines[10] = lines[10].split(',').slice(0, -1).join(',');
    const r = parseDynalogPair(lines.join('\n'), B);
    expect(!r.ok && r.error.field).toBe('dynalog.A.line[11]');
  });

  it('refuses another format letter', () => {
    const r = parseDynalogPair(A.replace(/^B/, 'A'), B);
    expect(!r.ok && r.error.field).toBe('dynalog.A.format');
  });
});
