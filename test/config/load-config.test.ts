import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localTimeZone } from '../../src/config/bridge-config.js';
import { DEFAULT_CONFIG_DIR, loadConfig } from '../../src/config/load-config.js';
import { leafBoundariesMm } from '../../src/config/mlc-model.js';

function withConfig(mutate: (cfg: Record<string, any>) => void, mutateMlc?: (m: Record<string, any>) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-config-'));
  fs.cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
  const file = path.join(dir, 'default.json');
  const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
  mutate(cfg);
  fs.writeFileSync(file, JSON.stringify(cfg));
  if (mutateMlc) {
    const mf = path.join(dir, 'mlc', `${cfg.mlcModel}.json`);
    const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
    mutateMlc(m);
    fs.writeFileSync(mf, JSON.stringify(m));
  }
  return file;
}

describe('config loading', () => {
  it('loads the embedded default and freezes it', () => {
    const cfg = loadConfig();
    expect(cfg.mlc.leafPairs).toBe(60);
    expect(Object.isFrozen(cfg.bridge.links.mlc)).toBe(true);
  });

  it('describes a Millennium-120-like MLC: 10 × 10 mm, 40 × 5 mm, 10 × 10 mm, boundaries ±200 mm and ±100 mm', () => {
    const b = leafBoundariesMm(loadConfig().mlc);
    expect(b[0]).toBe(-200);
    expect(b[10]).toBe(-100);
    expect(b[50]).toBe(100);
    expect(b[60]).toBe(200);
  });

  it('describes an Agility-like MLC: 80 pairs of 5 mm', () => {
    const file = withConfig((c) => (c.mlcModel = 'agility'));
    const m = loadConfig(file).mlc;
    expect(m.leafPairs).toBe(80);
    expect(new Set(m.leafWidthsMm)).toEqual(new Set([5]));
  });

  it('stops start-up naming the file, key path and range for a stale limit above 1.6 heartbeats', () => {
    const file = withConfig((c) => (c.links.mlc.staleAfterMs = 400));
    expect(() => loadConfig(file)).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID', field: 'default.json:links.mlc.staleAfterMs' }));
    expect(() => loadConfig(file)).toThrow(file);
  });

  it('names the limit for a number out of range', () => {
    const file = withConfig((c) => (c.tolerances.muChannelDisagreement.floorMu = 50));
    expect(() => loadConfig(file)).toThrowError(expect.objectContaining({ field: 'default.json:tolerances.muChannelDisagreement.floorMu', limit: '<= 5' }));
  });

  it('rejects an MLC model whose widths do not match its leaf count', () => {
    const file = withConfig(() => undefined, (m) => m.leafWidthsMm.pop());
    expect(() => loadConfig(file)).toThrowError(expect.objectContaining({ field: 'millennium-120.json:leafWidthsMm' }));
  });

  it('rejects an unknown model, listing the known ones', () => {
    const file = withConfig((c) => (c.mlcModel = 'no-such-mlc'));
    expect(() => loadConfig(file)).toThrowError(expect.objectContaining({ field: 'mlcModel', actual: 'no-such-mlc', limit: expect.stringContaining('millennium-120') }));
  });

  it('reads DICOM times without an offset in the configured IANA zone, by default the host\'s, and rejects an unknown zone', () => {
    expect(localTimeZone(loadConfig().bridge)).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(localTimeZone(loadConfig(withConfig((c) => (c.registration.localTimeZone = 'Asia/Tokyo'))).bridge)).toBe('Asia/Tokyo');
    expect(() => loadConfig(withConfig((c) => (c.registration.localTimeZone = 'Mars/Olympus')))).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID', field: 'default.json:registration.localTimeZone' }));
  });

  it('rejects a file that is not JSON', () => {
    const file = withConfig(() => undefined);
    fs.writeFileSync(file, '{ nope');
    expect(() => loadConfig(file)).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID', field: file }));
  });
});

describe('config loading: device models beside the config or in config/', () => {
  it('loads examples/hil/room.json, whose folder has no model folders, with the models from the project config/', () => {
    const cfg = loadConfig(path.join(DEFAULT_CONFIG_DIR, '..', 'examples', 'hil', 'room.json'));
    expect(cfg.mlc.id).toBe('millennium-120');
    expect(cfg.bridge.links.imaging?.transport).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 5030 });
  });

  it('takes the models beside the config when that folder has them, and does not mistake a file named like the model folder (a pty link) for it', () => {
    const own = withConfig(() => undefined, (m) => (m.minGapMm = 0.75));
    expect(loadConfig(own).mlc.minGapMm).toBe(0.75);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-config-pty-'));
    fs.copyFileSync(path.join(DEFAULT_CONFIG_DIR, 'default.json'), path.join(dir, 'room.json'));
    fs.writeFileSync(path.join(dir, 'mlc'), ''); // e.g. socat's link=<dir>/mlc
    expect(loadConfig(path.join(dir, 'room.json')).mlc.id).toBe('millennium-120');
  });
});
