/**
 * The couch simulator against a Modbus client this project did not write (jsmodbus, npm), over
 * Modbus TCP on loopback and Modbus RTU on a pseudo-terminal. Every expected number comes from
 * docs/protocols/couch.md (addresses, access, status bits, fault codes), with pose register words
 * from test/fixtures/protocol/frame_vectors.py (the document's scaling, computed separately), never
 * from src/protocol/couch-register-map.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Pose6 } from '../../src/core/pose.js';
import { CouchDevice } from '../../simulators/couch-device.js';
import { simOptions } from '../helpers/sim-fixtures.js';
import { exceptionCode, startRig, type Rig } from '../helpers/jsmodbus-rig.js';

// docs/protocols/couch.md, register map
const REG = { actualPose: 0, targetPose: 12, command: 24, status: 25, faultCode: 26, watchdog: 27, moveId: 28, deviceTick: 29, deviceType: 30, mapVersion: 31 };
const READ_ONLY = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 25, 26, 29, 30, 31];
const CMD = { move: 1, stop: 2, resetFault: 3 };
const BIT = { moving: 0x01, inPosition: 0x02, fault: 0x04, targetValid: 0x08, enabled: 0x10, watchdogExpired: 0x20 };
const FAULT_TARGET_OUT_OF_RANGE = 2;
// Modbus Application Protocol V1.1b3 §7
const EXC = { illegalFunction: 1, illegalAddress: 2, illegalValue: 3 };

// frame_vectors.txt: "couch registers, pose …" (int32 µm / millidegrees, high word first)
const START_POSE: Pose6 = { lateralMm: -1.5, longitudinalMm: 12.345, verticalMm: -25, pitchDeg: 0.25, rollDeg: -1.5, yawDeg: 2 };
const START_WORDS = words('ffff fa24 0000 3039 ffff 9e58 0000 00fa ffff fa24 0000 07d0');
const TARGET_WORDS = words('0000 0320 0000 2869 ffff a178 ffff fe0c ffff fd12 0000 04e2'); // 0.8, 10.345, -24.2 mm, -0.5, -0.75, 1.25°
const OUT_OF_RANGE_WORDS = words('0000 c350 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000'); // lateral 50 mm

function words(s: string): number[] {
  return s.split(' ').map((w) => parseInt(w, 16));
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const newDevice = () => new CouchDevice({ ...simOptions.couch, noise: { translationMm: 0, rotationDeg: 0 } }, START_POSE);

describe.each(['tcp', 'rtu'] as const)('couch simulator through jsmodbus over Modbus %s', (link) => {
  it('reads all 32 documented registers at power-up: the pose scaled as documented, the watchdog expired, the identity "C6" version 1', async () => {
    rig = await startRig(link, newDevice());
    const c = await rig.client(1);
    const all = await c.read(0, 32);
    expect(all.slice(REG.actualPose, 12)).toEqual(START_WORDS);
    expect(all.slice(REG.targetPose, 24)).toEqual(new Array(12).fill(0));
    expect(all.slice(24, 30)).toEqual([0, BIT.watchdogExpired, 0, 0, 0, 0]); // command, status, fault, watchdog, move id, tick
    expect(all.slice(REG.deviceType)).toEqual([0x4336, 1]); // ASCII "C6", register-map version 1 (docs/protocols/couch.md)
    for (let r = 0; r < 32; r++) expect(await c.read(r, 1)).toEqual([all[r]]); // each register on its own
  });

  it('writes the target pose (16), feeds the watchdog (06) and moves to the target on MOVE', async () => {
    const device = newDevice();
    rig = await startRig(link, device);
    const c = await rig.client(1);
    await c.writeMany(REG.targetPose, TARGET_WORDS);
    expect(await c.read(REG.targetPose, 12)).toEqual(TARGET_WORDS);
    await c.write(REG.watchdog, 1);
    expect(await c.read(REG.watchdog, 1)).toEqual([1]); // a write register reads back its last value
    expect(await c.read(REG.status, 1)).toEqual([BIT.enabled]);
    await c.write(REG.moveId, 0x0102);
    await c.write(REG.command, CMD.move);
    expect(await c.read(REG.command, 1)).toEqual([CMD.move]);
    expect(await c.read(REG.status, 1)).toEqual([BIT.moving | BIT.targetValid | BIT.enabled]);
    for (let tMs = 0, counter = 2; tMs < 4000; tMs += 10) {
      device.advance(10, 10);
      if (tMs % 100 === 0) await c.write(REG.watchdog, counter++); // a changing counter every heartbeat
    }
    const all = await c.read(0, 30);
    expect(all.slice(0, 12)).toEqual(TARGET_WORDS);
    expect(all[REG.status]).toBe(BIT.inPosition | BIT.targetValid | BIT.enabled);
    expect(all[REG.moveId]).toBe(0x0102);
    await c.write(REG.command, CMD.stop);
    expect(await c.read(REG.command, 1)).toEqual([CMD.stop]);
  });

  it('refuses an out-of-range target with fault 2 and clears it on RESET FAULT', async () => {
    rig = await startRig(link, newDevice());
    const c = await rig.client(1);
    await c.write(REG.watchdog, 7);
    await c.writeMany(REG.targetPose, OUT_OF_RANGE_WORDS);
    await c.write(REG.command, CMD.move);
    expect(await c.read(REG.status, 2)).toEqual([BIT.fault | BIT.enabled, FAULT_TARGET_OUT_OF_RANGE]);
    expect(await c.read(REG.actualPose, 12)).toEqual(START_WORDS); // never clamped, never moved
    await c.write(REG.command, CMD.resetFault);
    expect(await c.read(REG.status, 2)).toEqual([BIT.enabled, 0]);
  });

  it('counts device cycles in the tick register', async () => {
    const device = newDevice();
    rig = await startRig(link, device);
    const c = await rig.client(1);
    const [before] = await c.read(REG.deviceTick, 1);
    for (let i = 0; i < 5; i++) device.advance(10, 10);
    expect(await c.read(REG.deviceTick, 1)).toEqual([(before + 5) & 0xffff]);
  });

  it('answers exception 02 for a write to any read register and for addresses past 31', async () => {
    rig = await startRig(link, newDevice());
    const c = await rig.client(1);
    for (const r of READ_ONLY) expect(await exceptionCode(c.write(r, 1))).toBe(EXC.illegalAddress);
    expect(await exceptionCode(c.writeMany(10, [0, 0, 0, 0]))).toBe(EXC.illegalAddress); // 10, 11 are read-only
    expect(await exceptionCode(c.read(32, 1))).toBe(EXC.illegalAddress);
    expect(await exceptionCode(c.read(0, 33))).toBe(EXC.illegalAddress);
    expect(await exceptionCode(c.write(32, 1))).toBe(EXC.illegalAddress);
    expect(await c.read(REG.actualPose, 12)).toEqual(START_WORDS);
  });

  it('answers exception 01 for every function code but 03, 06 and 16', async () => {
    rig = await startRig(link, newDevice());
    const c = await rig.client(1);
    for (const call of c.unsupported()) expect(await exceptionCode(call())).toBe(EXC.illegalFunction);
  });

  it('answers exception 03 for a read quantity outside 1…125', async () => {
    rig = await startRig(link, newDevice());
    const c = await rig.client(1);
    expect(await exceptionCode(c.read(0, 0))).toBe(EXC.illegalValue);
    expect(await exceptionCode(c.read(0, 126))).toBe(EXC.illegalValue);
  });
});

describe('couch simulator through jsmodbus: unit ids', () => {
  it('on RTU executes a broadcast write (unit 0) and sends no answer', async () => {
    rig = await startRig('rtu', newDevice());
    const broadcast = await rig.client(0, 300);
    expect(await exceptionCode(broadcast.write(REG.moveId, 0x1234))).toBe('Timeout');
    expect(await exceptionCode(broadcast.writeMany(REG.targetPose, TARGET_WORDS))).toBe('Timeout');
    expect(await exceptionCode(broadcast.read(REG.moveId, 1))).toBe('Timeout'); // a broadcast read is not a thing
    const c = await rig.client(1);
    expect(await c.read(REG.moveId, 1)).toEqual([0x1234]);
    expect(await c.read(REG.targetPose, 12)).toEqual(TARGET_WORDS);
    expect(rig.host.stats).toMatchObject({ broadcasts: 2, replies: 2 });
    expect(rig.bytesReceived()).toBe(7 + 29); // the replies to unit 1 (1 and 12 registers: unit, fc, count, data, CRC) and nothing else
  });

  it.each([0xff, 0])('on TCP answers unit id %i as the server itself', async (unit) => {
    rig = await startRig('tcp', newDevice());
    const c = await rig.client(unit);
    await c.write(REG.moveId, 0x4321);
    expect(await c.read(REG.moveId, 1)).toEqual([0x4321]);
    expect(await c.read(REG.actualPose, 12)).toEqual(START_WORDS);
  });
});
