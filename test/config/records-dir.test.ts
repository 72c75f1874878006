import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_DIR, journalDir, loadConfig, recordsDir } from '../../src/config/load-config.js';

function configWith(mutate: (c: Record<string, any>) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-records-cfg-'));
  fs.cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
  const f = path.join(dir, 'default.json');
  const c = JSON.parse(fs.readFileSync(f, 'utf8'));
  mutate(c);
  fs.writeFileSync(f, JSON.stringify(c));
  return f;
}

describe('the treatment records folder of start (records.dir)', () => {
  it('is the journal folder when the config names none', () => {
    const cfg = loadConfig(configWith(() => undefined));
    expect(recordsDir(cfg)).toBe(journalDir(cfg));
  });

  it('is resolved against the config file folder, an absolute path as it is', () => {
    const file = configWith((c) => (c.records = { dir: '../rt/records' }));
    expect(recordsDir(loadConfig(file))).toBe(path.resolve(path.dirname(file), '..', 'rt', 'records'));
    expect(recordsDir(loadConfig(configWith((c) => (c.records = { dir: '/srv/records' }))))).toBe('/srv/records');
  });

  it.each([
    ['an unknown key', (c: any) => (c.records = { dir: 'r', folder: 'x' }), 'default.json:records.folder'],
    ['an empty folder name', (c: any) => (c.records = { dir: '' }), 'default.json:records.dir'],
    ['a folder that is not a string', (c: any) => (c.records = { dir: 7 }), 'default.json:records.dir'],
  ])('refuses %s naming the field', (_n, mutate, field) => {
    expect(() => loadConfig(configWith(mutate))).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID', field }));
  });
});
