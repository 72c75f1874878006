/**
 * `linac-bridge couch read`: modbus-serial (a Modbus client this project did not write) reads the couch
 * simulator over Modbus TCP and over RTU on a pseudo-terminal, and a third-party Modbus server
 * (Debian's pymodbus) holding registers we chose: a couch's identity (registers 30, 31) is read
 * first, and anything else is refused. Expected words and pose come from docs/protocols/couch.md via
 * test/fixtures/protocol/frame_vectors.py, not from the codec.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pose6 } from '../../src/core/pose.js';
import { openPtyPair } from '../../src/kernels/pty.js';
import { CouchDevice } from '../../simulators/couch-device.js';
import { ModbusRtuHost } from '../../simulators/modbus-rtu-host.js';
import { ModbusTcpHost } from '../../simulators/modbus-tcp-host.js';
import { startPymodbusServer } from '../helpers/pymodbus-server.js';
import { simOptions } from '../helpers/sim-fixtures.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
// frame_vectors.txt: "couch registers, pose …" (int32 µm / millidegrees, high word first)
const START_POSE: Pose6 = { lateralMm: -1.5, longitudinalMm: 12.345, verticalMm: -25, pitchDeg: 0.25, rollDeg: -1.5, yawDeg: 2 };
const START_WORDS = 'ffff fa24 0000 3039 ffff 9e58 0000 00fa ffff fa24 0000 07d0'.split(' ').map((w) => parseInt(w, 16));
const WATCHDOG_EXPIRED = 0x20; // status bit 5 (docs/protocols/couch.md)
// docs/protocols/couch.md, registers 30 and 31: device type "C6" (0x43 0x36), register-map version 1
const COUCH_TYPE = 0x4336;
const MAP_VERSION = 1;
/** Registers 0 … 31 of a couch at START_POSE, still, with the given identity words at 30 and 31. */
const mapWith = (identity: readonly number[]): number[] => [...START_WORDS, ...new Array(18).fill(0), ...identity];

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
const device = () => new CouchDevice({ ...simOptions.couch, noise: { translationMm: 0, rotationDeg: 0 } }, START_POSE);

describe('linac-bridge couch read (modbus-serial as a second, third-party client)', () => {
  it('over Modbus TCP: prints the documented register words and the pose they encode', async () => {
    const host = new ModbusTcpHost(device(), 1);
    const port = await host.host.listenTcp(0);
    cleanups.push(() => host.host.close());
    const r = await cli(['couch', 'read', '--tcp', `127.0.0.1:${port}`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.registers.slice(0, 12)).toEqual(START_WORDS);
    for (const [axis, v] of Object.entries(START_POSE)) expect(out.actual[axis]).toBeCloseTo(v, 9);
    expect(out.status).toMatchObject({ watchdogExpired: true, moving: false });
    expect(out.registers[25]).toBe(WATCHDOG_EXPIRED);
    expect(out.identity).toEqual({ deviceType: COUCH_TYPE, mapVersion: MAP_VERSION });
  });

  it('over Modbus RTU on a pseudo-terminal: the same words and pose', async () => {
    const pty = openPtyPair();
    const host = new ModbusRtuHost(device(), 1);
    host.host.attach(pty.master);
    cleanups.push(async () => {
      pty.close();
      await host.host.close();
    });
    const r = await cli(['couch', 'read', '--serial', pty.slavePath, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.registers.slice(0, 12)).toEqual(START_WORDS);
    for (const [axis, v] of Object.entries(START_POSE)) expect(out.actual[axis]).toBeCloseTo(v, 9);
  });

  it('a device that does not answer (wrong unit id) is bad input naming --unit, exit 2, no stack trace', async () => {
    const host = new ModbusTcpHost(device(), 1);
    const port = await host.host.listenTcp(0);
    cleanups.push(() => host.host.close());
    const r = await cli(['couch', 'read', '--tcp', `127.0.0.1:${port}`, '--unit', '7', '--timeout-ms', '300']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--unit/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads a third-party Modbus server (pymodbus) that holds the couch identity: the same pose from the documented words', async () => {
    const server = await startPymodbusServer(mapWith([COUCH_TYPE, MAP_VERSION]));
    cleanups.push(() => server.stop());
    const r = await cli(['couch', 'read', '--tcp', `127.0.0.1:${server.port}`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.identity).toEqual({ deviceType: COUCH_TYPE, mapVersion: MAP_VERSION });
    for (const [axis, v] of Object.entries(START_POSE)) expect(out.actual[axis]).toBeCloseTo(v, 9);
  });

  const others: Array<{ what: string; registers: number[]; actual: RegExp }> = [
    { what: 'another device type (0x4d4c, "ML")', registers: mapWith([0x4d4c, MAP_VERSION]), actual: /device type 0x4d4c, map version 1/ },
    { what: 'another register-map version (2)', registers: mapWith([COUCH_TYPE, 2]), actual: /device type 0x4336, map version 2/ },
    { what: 'no identity registers (30 registers only: exception 02)', registers: mapWith([]).slice(0, 30), actual: /no identity registers \(Modbus exception 2/ },
  ];
  for (const o of others) {
    it(`refuses a third-party Modbus server (pymodbus) holding ${o.what}: exit 2 naming couch.identity, the expected and the actual identity, nothing printed`, async () => {
      const server = await startPymodbusServer(o.registers);
      cleanups.push(() => server.stop());
      const r = await cli(['couch', 'read', '--tcp', `127.0.0.1:${server.port}`, '--json']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('couch.identity');
      expect(r.stderr).toMatch(/expected device type 0x4336, map version 1/);
      expect(r.stderr).toMatch(o.actual);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  }

  it('refuses both or neither of --tcp and --serial, exit 2', async () => {
    expect((await cli(['couch', 'read'])).code).toBe(2);
    expect((await cli(['couch', 'read', '--tcp', '127.0.0.1:1', '--serial', '/dev/null'])).code).toBe(2);
  });
});
