import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../src/core/bridge-error.js';
import { DEFAULT_TOLERANCE_FILE, loadToleranceTable, readToleranceFile, toleranceFor } from '../../src/qa/tolerance-table.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-tol-'));
function file(name: string, content: unknown): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}
function refusal(fn: () => unknown): BridgeError {
  try {
    fn();
  } catch (e) {
    return e as BridgeError;
  }
  throw new Error('accepted');
}
const row = (tolerance: number, action: number, unit = 'mm') => ({ tolerance, action, unit, source: 'clinic SRS programme 2026' });

describe('QA tolerance tables', () => {
  it('carries the TG-142 and MPPG rows with their sources by default', () => {
    const t = loadToleranceTable();
    expect(toleranceFor(t, 'couch.translationMm')).toMatchObject({ tolerance: 2, unit: 'mm', source: expect.stringContaining('TG-142') });
    expect(toleranceFor(t, 'couch.srs.rotationDeg')).toMatchObject({ tolerance: 0.5, unit: 'deg' });
    expect(toleranceFor(t, 'igrt.srs.residualMm')).toMatchObject({ tolerance: 1, source: expect.stringContaining('TG-179') });
    expect(toleranceFor(t, 'mlc.positionWeeklyMm')).toMatchObject({ tolerance: 0.5, source: expect.stringContaining('MPPG') });
    for (const r of Object.values(t.rows)) expect(r.action).toBeLessThanOrEqual(r.tolerance);
  });

  it('lets a clinic file tighten a row', () => {
    const t = loadToleranceTable([file('tight.json', { name: 'Clinic', rows: { 'couch.translationMm': row(1.5, 0.5) } })]);
    expect(t.rows['couch.translationMm']).toMatchObject({ tolerance: 1.5, action: 0.5 });
    expect(t.rows['couch.rotationDeg'].tolerance).toBe(1);
    expect(t.name).toContain('Clinic');
  });

  it('refuses a clinic file that loosens a tolerance, naming the key and the value', () => {
    const e = refusal(() => loadToleranceTable([file('loose.json', { name: 'Clinic', rows: { 'couch.translationMm': row(3, 1) } })]));
    expect(e).toMatchObject({ code: 'CONFIG_INVALID', field: 'loose.json:rows.couch.translationMm.tolerance', actual: 3, limit: '<= 2' });
  });

  it('refuses a clinic file that raises an action level', () => {
    const e = refusal(() => loadToleranceTable([file('loose-action.json', { name: 'Clinic', rows: { 'igrt.residualMm': row(2, 1.5) } })]));
    expect(e).toMatchObject({ code: 'CONFIG_INVALID', field: 'loose-action.json:rows.igrt.residualMm.action', actual: 1.5 });
  });

  it('refuses a clinic row the default table does not have, or in another unit', () => {
    expect(refusal(() => loadToleranceTable([file('new-row.json', { name: 'C', rows: { 'couch.lateralMm': row(1, 0.5) } })]))).toMatchObject({ field: 'new-row.json:rows.couch.lateralMm', actual: 'couch.lateralMm' });
    expect(refusal(() => loadToleranceTable([file('unit.json', { name: 'C', rows: { 'couch.rotationDeg': row(0.5, 0.2, 'mm') } })]))).toMatchObject({ field: 'unit.json:rows.couch.rotationDeg.unit', actual: 'mm', limit: 'deg' });
  });

  it.each([
    ['negative tolerance', { name: 'T', rows: { 'couch.translationMm': row(-1, 0) } }, 'rows.couch.translationMm.tolerance', '-1'],
    ['tolerance as text', { name: 'T', rows: { 'couch.translationMm': { ...row(1, 0.5), tolerance: '2 mm' } } }, 'rows.couch.translationMm.tolerance', '"2 mm"'],
    ['action above tolerance', { name: 'T', rows: { 'couch.translationMm': row(1, 1.5) } }, 'rows.couch.translationMm.action', '1.5'],
    ['an unknown key in a row', { name: 'T', rows: { 'couch.translationMm': { ...row(1, 0.5), tolerence: 1 } } }, 'rows.couch.translationMm.tolerence', '1'],
    ['an unknown unit', { name: 'T', rows: { 'couch.translationMm': row(1, 0.5, 'cm') } }, 'rows.couch.translationMm.unit', '"cm"'],
    ['a missing source', { name: 'T', rows: { 'couch.translationMm': { tolerance: 1, action: 0.5, unit: 'mm' } } }, 'rows.couch.translationMm.source', '(missing)'],
  ])('refuses a table with %s, naming the key and the value', (_what, content, key, value) => {
    const f = file(`bad-${key.replace(/\W/g, '')}-${value.length}.json`, content);
    const e = refusal(() => readToleranceFile(f));
    expect(e).toMatchObject({ code: 'CONFIG_INVALID', field: `${path.basename(f)}:${key}`, actual: value });
  });

  it('refuses a file that is not JSON', () => {
    expect(refusal(() => readToleranceFile(file('broken.json', '{ "name": ')))).toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('names a missing row when a check asks for it', () => {
    expect(refusal(() => toleranceFor(loadToleranceTable(), 'couch.nonexistent'))).toMatchObject({ code: 'CONFIG_INVALID', field: 'qa tolerances: rows.couch.nonexistent' });
  });

  it('is the file under config/qa', () => {
    expect(path.relative(path.resolve('.'), DEFAULT_TOLERANCE_FILE)).toBe(path.join('config', 'qa', 'tg142-mppg.json'));
  });
});
