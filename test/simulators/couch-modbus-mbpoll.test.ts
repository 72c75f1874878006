/**
 * The couch simulator against mbpoll (Debian package; libmodbus underneath), a second Modbus
 * client this project did not write: it decodes the pose registers itself as 32-bit integers,
 * big-endian word order (`-t 4:int -B`), so the document's scaling and word order are checked by
 * someone else's decoder. Expected numbers come from docs/protocols/couch.md.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pose6 } from '../../src/core/pose.js';
import { openPtyPair, type PtyPair } from '../../src/kernels/pty.js';
import { CouchDevice } from '../../simulators/couch-device.js';
import { ModbusRtuHost } from '../../simulators/modbus-rtu-host.js';
import { ModbusTcpHost } from '../../simulators/modbus-tcp-host.js';
import { simOptions } from '../helpers/sim-fixtures.js';

const run = promisify(execFile);

// docs/protocols/couch.md: lateral -1.5 mm = -1500 µm, … pitch 0.25° = 250 mdeg, …
const START_POSE: Pose6 = { lateralMm: -1.5, longitudinalMm: 12.345, verticalMm: -25, pitchDeg: 0.25, rollDeg: -1.5, yawDeg: 2 };
const START_INT32 = [-1500, 12345, -25000, 250, -1500, 2000];
const TARGET_INT32 = [800, 10345, -24200, -500, -750, 1250]; // 0.8, 10.345, -24.2 mm, -0.5, -0.75, 1.25°
const STATUS_WATCHDOG_EXPIRED = 0x20;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Starts the simulator on `link`; returns mbpoll's arguments for reaching it. */
async function start(link: 'tcp' | 'rtu'): Promise<(unit: number) => string[]> {
  const device = new CouchDevice({ ...simOptions.couch, noise: { translationMm: 0, rotationDeg: 0 } }, START_POSE);
  if (link === 'tcp') {
    const host = new ModbusTcpHost(device, 1);
    const port = await host.host.listenTcp(0);
    cleanups.push(() => host.host.close());
    return (unit) => ['-m', 'tcp', '-p', String(port), '-a', String(unit), '-o', '3', '127.0.0.1'];
  }
  const pty: PtyPair = openPtyPair();
  const host = new ModbusRtuHost(device, 1);
  host.host.attach(pty.master);
  cleanups.push(() => host.host.close(), () => pty.close());
  return (unit) => ['-m', 'rtu', '-b', '115200', '-P', 'none', '-a', String(unit), '-o', '3', pty.slavePath];
}

/** Runs mbpoll once (-1) with PDU addressing (-0); returns the values it printed. */
async function mbpoll(target: string[], args: string[], write: number[] = []): Promise<number[]> {
  const { stdout } = await run('mbpoll', ['-0', '-1', ...args, ...target, ...(write.length ? ['--', ...write.map(String)] : [])]);
  return [...stdout.matchAll(/^\[\d+\]:\s+(-?\d+)/gm)].map((m) => Number(m[1]));
}

describe.each(['tcp', 'rtu'] as const)('couch simulator through mbpoll over Modbus %s', (link) => {
  it('gives the actual pose as int32 micrometres and millidegrees, high word first', async () => {
    const target = (await start(link))(1);
    expect(await mbpoll(target, ['-r', '0', '-c', '6', '-t', '4:int', '-B'])).toEqual(START_INT32);
    expect(await mbpoll(target, ['-r', '25', '-c', '1', '-t', '4'])).toEqual([STATUS_WATCHDOG_EXPIRED]);
    expect(await mbpoll(target, ['-r', '30', '-c', '2', '-t', '4'])).toEqual([0x4336, 1]); // identity: ASCII "C6", map version 1
  });

  it('takes a target pose written as int32 and gives it back', async () => {
    const target = (await start(link))(1);
    await mbpoll(target, ['-r', '12', '-t', '4:int', '-B'], TARGET_INT32);
    expect(await mbpoll(target, ['-r', '12', '-c', '6', '-t', '4:int', '-B'])).toEqual(TARGET_INT32);
  });

  it('reports exception 02 for a register past the map', async () => {
    const target = (await start(link))(1);
    await expect(mbpoll(target, ['-r', '32', '-c', '1', '-t', '4'])).rejects.toMatchObject({ stderr: expect.stringContaining('Illegal data address') });
  });
});

describe('couch simulator through mbpoll over Modbus TCP: unit ids', () => {
  it.each([255, 0])('answers unit id %i as the server itself', async (unit) => {
    const target = (await start('tcp'))(unit);
    expect(await mbpoll(target, ['-r', '0', '-c', '6', '-t', '4:int', '-B'])).toEqual(START_INT32);
  });
});
