import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleSettings } from '../../src/config/bridge-config.js';
import { DEFAULT_CONFIG_DIR, loadConfig } from '../../src/config/load-config.js';

function withConsole(value: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-console-cfg-'));
  fs.cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
  const f = path.join(dir, 'default.json');
  const o = JSON.parse(fs.readFileSync(f, 'utf8'));
  o.console = value;
  fs.writeFileSync(f, JSON.stringify(o));
  return f;
}

describe('bridge.console config', () => {
  it('defaults to loopback, any free port and users.json when absent', () => {
    const s = consoleSettings(loadConfig().bridge);
    expect([s.host, s.port, s.usersFile, s.tls]).toEqual(['127.0.0.1', 0, 'users.json', undefined]);
  });

  it('refuses a misspelt key, naming its path', () => {
    expect(() => loadConfig(withConsole({ prot: 8443 }))).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID', field: 'default.json:console.prot' }));
  });

  it('refuses a console on a non-loopback address without TLS, and accepts it with TLS', () => {
    expect(() => loadConfig(withConsole({ host: '0.0.0.0' }))).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID', field: 'default.json:console.tls' }));
    const s = consoleSettings(loadConfig(withConsole({ host: '0.0.0.0', port: 8443, tls: { certFile: 'c.pem', keyFile: 'k.pem' } })).bridge);
    expect([s.host, s.port, s.tls?.certFile]).toEqual(['0.0.0.0', 8443, 'c.pem']);
  });
});
