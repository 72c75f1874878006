import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_DIR, journalDir, loadConfig } from '../../src/config/load-config.js';

/** A copy of config/ in a temp dir with one file changed; returns the bridge config file. */
function withFile(rel: string, mutate: (o: Record<string, any>) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-strict-'));
  fs.cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
  const f = path.join(dir, rel);
  const o = JSON.parse(fs.readFileSync(f, 'utf8'));
  mutate(o);
  fs.writeFileSync(f, JSON.stringify(o));
  return path.join(dir, 'default.json');
}
const bridge = (m: (c: Record<string, any>) => void) => withFile('default.json', m);
const couch = (m: (c: Record<string, any>) => void) => withFile('couch/hexapod-6dof.json', m);

describe('config files are strict: an unknown key is an error naming its path', () => {
  it.each([
    ['at the top level', (c: any) => (c.jurnal = {}), 'default.json:jurnal'],
    ['in a link transport', (c: any) => (c.links.mlc.transport.hots = 'x'), 'default.json:links.mlc.transport.hots'],
    ['in an action-level table', (c: any) => (c.actionLevels.conventional.wedge = 1), 'default.json:actionLevels.conventional.wedge'],
    ['in the journal section', (c: any) => (c.journal.fsnyc = false), 'default.json:journal.fsnyc'],
  ])('refuses one %s', (_n, mutate, field) => {
    expect(() => loadConfig(bridge(mutate))).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID', field }));
  });

  it('refuses a couch model whose optional hexapod block is misspelt (hexapd), instead of loading without the leg-stroke check', () => {
    const file = couch((m) => {
      m.hexapd = m.hexapod;
      delete m.hexapod;
    });
    expect(() => loadConfig(file)).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID', field: 'hexapod-6dof.json:hexapd' }));
  });

  it('refuses an unknown key inside a couch model range and an MLC model', () => {
    expect(() => loadConfig(couch((m) => (m.rangeDeg.pitch.mxa = 3)))).toThrowError(expect.objectContaining({ field: 'hexapod-6dof.json:rangeDeg.pitch.mxa' }));
    expect(() => loadConfig(withFile('mlc/millennium-120.json', (m) => (m.leafSpeed = 1)))).toThrowError(expect.objectContaining({ field: 'millennium-120.json:leafSpeed' }));
  });
});

describe('cross-field checks', () => {
  it.each([
    ['applyMaxMm 20 above reviewMaxMm 10', (c: any) => (c.actionLevels.conventional.applyMaxMm = 20), 'default.json:actionLevels.conventional.applyMaxMm'],
    ['applyMaxDeg above reviewMaxDeg', (c: any) => (c.actionLevels.srs.applyMaxDeg = 2), 'default.json:actionLevels.srs.applyMaxDeg'],
    ['verifyAboveMm above reviewMaxMm (verification could never be asked for)', (c: any) => (c.actionLevels.conventional.verifyAboveMm = 12), 'default.json:actionLevels.conventional.verifyAboveMm'],
    ['a verification tolerance above the apply limit', (c: any) => (c.actionLevels.conventional.verificationToleranceMm = 4), 'default.json:actionLevels.conventional.verificationToleranceMm'],
    ['a per-beam MU minimum above the maximum', (c: any) => (c.delivery.minMuPerBeam = 1000), 'default.json:delivery.minMuPerBeam'],
    ['a per-segment MU minimum above the per-beam minimum', (c: any) => (c.delivery.minMuPerSegment = 2), 'default.json:delivery.minMuPerSegment'],
  ])('refuses %s', (_n, mutate, field) => {
    expect(() => loadConfig(bridge(mutate))).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID', field }));
  });

  it('refuses a hexapod leg stroke whose minimum is not below its maximum', () => {
    expect(() => loadConfig(couch((m) => (m.hexapod.strokeMm = { min: 500, max: 400 })))).toThrowError(expect.objectContaining({ field: 'hexapod-6dof.json:hexapod.strokeMm' }));
  });

  it('requires the machine MU limits (no default that would let any plan through)', () => {
    expect(() => loadConfig(bridge((c) => delete c.delivery))).toThrowError(expect.objectContaining({ field: 'default.json:delivery' }));
  });
});

describe('config file size and nesting', () => {
  it('refuses a config nested 12 000 levels deep before parsing it', () => {
    const file = bridge(() => undefined);
    fs.writeFileSync(file, `{"x":${'['.repeat(12_000)}${']'.repeat(12_000)}}`);
    expect(() => loadConfig(file)).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID', field: file }));
    expect(() => loadConfig(file)).toThrow(/depth/);
  });

  it('refuses a config file over 1 MiB', () => {
    const file = bridge(() => undefined);
    fs.writeFileSync(file, `{"x":"${'y'.repeat(1024 * 1024)}"}`);
    expect(() => loadConfig(file)).toThrow(/bytes/);
  });
});

describe('the journal folder', () => {
  it('is resolved against the config file folder, not the working directory', () => {
    const file = bridge((c) => (c.journal.dir = 'records/j'));
    const cwd = process.cwd();
    expect(journalDir(loadConfig(file))).toBe(path.join(path.dirname(file), 'records', 'j'));
    expect(process.cwd()).toBe(cwd);
    expect(journalDir(loadConfig())).toBe(path.resolve(DEFAULT_CONFIG_DIR, '..', 'journal')); // the default: <package>/journal
  });
});
