/**
 * `start --config` against devices that misbehave: two links at one address, a serial path that is
 * a regular file, a peer that accepts and never answers, one that sends garbage, and a real device
 * whose every reply arrives 400 ms late (room.json: staleAfterMs 150). Safe means: refused at start
 * (exit 2) or running with beam-on vetoed on the stale links, never a link reported fresh on
 * evidence it should not trust, never a stack.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LinkSpec } from '../../src/transport/byte-link.js';
import { hilConfig, startSim, tmpDir, type SimProcess } from '../helpers/hil-rig.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback TCP server running `onSocket` for each connection; closed after the test. */
async function server(onSocket: (s: net.Socket) => void): Promise<LinkSpec> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    onSocket(s);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => {
    for (const s of sockets) s.destroy();
    srv.close(() => r());
  }));
  return { kind: 'tcp', host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port };
}

const silent = () => server(() => undefined);
/** Answers every chunk it receives with 64 fixed pseudo-random bytes. */
const garbage = () => server((s) => {
  let x = 12345;
  s.on('data', () => s.write(Buffer.from(Array.from({ length: 64 }, () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff))));
});
/** A proxy to `to` that holds every reply back by `delayMs` (requests pass at once). */
const lateProxy = (to: LinkSpec & { kind: 'tcp' }, delayMs: number) => server((s) => {
  const up = net.connect(to.port, to.host);
  up.on('error', () => s.destroy());
  s.on('close', () => up.destroy());
  s.on('data', (d) => up.write(d));
  up.on('data', (d) => {
    const t = setTimeout(() => s.writable && s.write(d), delayMs);
    cleanups.push(() => clearTimeout(t));
  });
});

async function sim(device: 'mlc' | 'beam', args: string[] = []): Promise<SimProcess> {
  const p = await startSim(device, ['--port', '0', ...args]);
  cleanups.push(() => p.stop());
  return p;
}

/** Runs `start --config <file> --exit-after <ms>` as a child (the servers above need this event loop). */
function start(file: string, exitAfterMs = 2500): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [path.join(root, 'bin/linac-bridge.js'), '--config', file, 'start', '--exit-after', String(exitAfterMs)], { cwd: root });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

function expectRunningVetoed(out: string, stale: readonly string[]): void {
  expect(out).toMatch(/bridge up/);
  expect(out).not.toMatch(/internal error|\n\s+at /);
  expect(out).not.toMatch(/no stale link vetoes beam-on/);
  for (const link of stale) {
    expect(out).not.toMatch(new RegExp(`link ${link} fresh`));
    expect(out).toMatch(new RegExp(`beam-on vetoed: .*IL-${link.toUpperCase()}-STALE`));
  }
}

describe('start --config with misbehaving links', () => {
  it('refuses two links at one address before anything starts, naming the second', async () => {
    const dir = tmpDir('adv-dup-');
    const mlc = await sim('mlc');
    const file = hilConfig(dir, { mlc: mlc.spec, beam: mlc.spec, couch: await silent(), imaging: await silent() });
    const r = await start(file);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/\[CONFIG_INVALID\] links\.beam\.transport/);
    expect(r.out).not.toMatch(/bridge up|internal error|\n\s+at /);
  });

  it('keeps beam-on vetoed when every device accepts the connection and never answers', async () => {
    const dir = tmpDir('adv-silent-');
    const file = hilConfig(dir, { mlc: await silent(), beam: await silent(), couch: await silent(), imaging: await silent() });
    const r = await start(file);
    expect(r.code).toBe(0);
    expectRunningVetoed(r.out, ['mlc', 'beam', 'couch']);
  });

  it('keeps beam-on vetoed when every device answers with garbage bytes', async () => {
    const dir = tmpDir('adv-garbage-');
    const file = hilConfig(dir, { mlc: await garbage(), beam: await garbage(), couch: await garbage(), imaging: await garbage() });
    const r = await start(file);
    expect(r.code).toBe(0);
    expectRunningVetoed(r.out, ['mlc', 'beam', 'couch']);
  });

  it('reports a serial path that is a regular file as unreachable, naming it, and keeps beam-on vetoed', async () => {
    const dir = tmpDir('adv-serial-');
    const regular = path.join(dir, 'not-a-tty');
    fs.writeFileSync(regular, 'hello\n');
    const file = hilConfig(dir, { mlc: { kind: 'serial', path: regular, baudRate: 115200 }, beam: await silent(), couch: await silent(), imaging: await silent() });
    const r = await start(file);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`link mlc serial:${regular}@115200 unreachable`);
    expectRunningVetoed(r.out, ['mlc']);
  });

  it('never reports a beam link on the MLC controller (or the MLC link on the beam interface) fresh: identity mismatch named per link and journaled', async () => {
    const dir = tmpDir('adv-crossed-');
    const mlc = await sim('mlc');
    const beam = await sim('beam');
    const file = hilConfig(dir, { mlc: beam.spec, beam: mlc.spec, couch: await silent(), imaging: await silent() });
    const r = await start(file);
    expect(r.code).toBe(0);
    expectRunningVetoed(r.out, ['mlc', 'beam']);
    expect(r.out.match(/link beam \S+ is not the configured device/g)).toHaveLength(1); // once, not on every retry
    expect(r.out).toMatch(/link beam \S+ is not the configured device: expected linac-beam-interface, got no identity/);
    expect(r.out).toMatch(/link mlc \S+ is not the configured device: expected MLC millennium-120 with 60 leaf pairs, got no identity/);
    const journal = fs.readdirSync(path.join(dir, 'journal')).map((f) => fs.readFileSync(path.join(dir, 'journal', f), 'utf8')).join('');
    const records = journal.split('\n').filter((l) => l.includes('link-identity-mismatch'));
    expect(records.filter((l) => l.includes('"device":"beam"'))).toHaveLength(1);
    expect(records.filter((l) => l.includes('"device":"mlc"'))).toHaveLength(1);
  });

  it('refuses an MLC controller with another model and leaf count than the config, naming both, and keeps beam-on vetoed', async () => {
    const dir = tmpDir('adv-leaves-');
    const otherCfg = JSON.parse(fs.readFileSync(path.join(root, 'examples/hil/room.json'), 'utf8'));
    otherCfg.mlcModel = 'agility'; // 80 leaf pairs; the room's config names millennium-120 (60)
    fs.writeFileSync(path.join(dir, 'agility.json'), JSON.stringify(otherCfg));
    const mlc = await sim('mlc', ['--config', path.join(dir, 'agility.json')]);
    const beam = await sim('beam');
    const file = hilConfig(dir, { mlc: mlc.spec, beam: beam.spec, couch: await silent(), imaging: await silent() });
    const r = await start(file);
    expect(r.code).toBe(0);
    expectRunningVetoed(r.out, ['mlc']);
    expect(r.out).toMatch(/link mlc \S+ is not the configured device: expected MLC millennium-120 with 60 leaf pairs, got MLC agility with 80 leaf pairs/);
    expect(r.out).toMatch(/link beam fresh/); // the right device beside it is trusted
  });

  it('never trusts an MLC whose correct replies all arrive 400 ms late (stale after 150 ms)', async () => {
    const dir = tmpDir('adv-late-');
    const mlc = await sim('mlc');
    const beam = await sim('beam');
    const file = hilConfig(dir, { mlc: await lateProxy(mlc.spec as LinkSpec & { kind: 'tcp' }, 400), beam: beam.spec, couch: await silent(), imaging: await silent() });
    const r = await start(file, 3000);
    expect(r.code).toBe(0);
    expectRunningVetoed(r.out, ['mlc']);
    expect(r.out).toMatch(/link beam fresh/); // the punctual device beside it is trusted
  });
});
