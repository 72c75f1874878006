/**
 * The 6DOF couch's Modbus holding-register map (docs/protocols/couch.md).
 * Poses are six int32 values (two registers each, high word first):
 * translations in micrometres, rotations in millidegrees, IEC 61217 table-top frame.
 */
import type { Pose6 } from '../core/pose.js';
import { POSE_AXES, isRotationAxis } from '../core/pose.js';

export const CouchReg = {
  actualPose: 0, // 12 registers
  targetPose: 12, // 12 registers
  command: 24,
  status: 25,
  faultCode: 26,
  watchdog: 27,
  moveId: 28,
  deviceTick: 29,
  /** Read-only identity (not in the poll): the device type code, then the register-map version. */
  deviceType: 30,
  mapVersion: 31,
} as const;

/** Registers 0 … 29, read by every poll: poses, command, status, watchdog, move id, tick. */
export const COUCH_REGISTER_COUNT = 30;
/** Every register of the map, identity included (0 … 31). */
export const COUCH_MAP_REGISTERS = 32;

/** Register 30 of every 6DOF couch on this map: ASCII "C6" (docs/protocols/couch.md). */
export const COUCH_DEVICE_TYPE = 0x4336;
/** Register 31: the version of this register map. */
export const COUCH_MAP_VERSION = 1;

export enum CouchCommand {
  None = 0,
  Move = 1,
  Stop = 2,
  ResetFault = 3,
}

export const CouchStatusBit = {
  moving: 1 << 0,
  inPosition: 1 << 1,
  fault: 1 << 2,
  targetValid: 1 << 3,
  enabled: 1 << 4,
  watchdogExpired: 1 << 5,
} as const;

export enum CouchFault {
  None = 0,
  Watchdog = 1,
  TargetOutOfRange = 2,
  Stall = 3,
  Collision = 4,
}

/** Registers 30, 31 as read: the couch this map describes, or not. */
export function isCouchIdentity(regs: ArrayLike<number>): boolean {
  return regs.length === 2 && regs[0] === COUCH_DEVICE_TYPE && regs[1] === COUCH_MAP_VERSION;
}

/** Registers 30, 31 as one line for reports: `device type 0x4336, map version 1`. */
export function describeCouchIdentity(regs: ArrayLike<number>): string {
  const hex = (v: number | undefined) => (v === undefined ? 'none' : `0x${v.toString(16).padStart(4, '0')}`);
  return `device type ${hex(regs[0])}, map version ${regs[1] ?? 'none'}`;
}

const SCALE_TRANSLATION = 1000; // µm per mm
const SCALE_ROTATION = 1000; // mdeg per deg

/** Encodes a pose to 12 registers. Throws RangeError for values outside int32. */
export function encodePose(p: Pose6): number[] {
  const regs: number[] = [];
  for (const axis of POSE_AXES) {
    const scaled = Math.round(p[axis] * (isRotationAxis(axis) ? SCALE_ROTATION : SCALE_TRANSLATION));
    if (!Number.isFinite(p[axis]) || scaled < -0x80000000 || scaled > 0x7fffffff) throw new RangeError(`${axis} = ${p[axis]} not representable`);
    const u = scaled >>> 0;
    regs.push((u >>> 16) & 0xffff, u & 0xffff);
  }
  return regs;
}

export function decodePose(regs: ArrayLike<number>, offset = 0): Pose6 {
  const out: Record<string, number> = {};
  POSE_AXES.forEach((axis, i) => {
    const hi = regs[offset + 2 * i] & 0xffff;
    const lo = regs[offset + 2 * i + 1] & 0xffff;
    const v = ((hi << 16) | lo) >> 0; // to signed int32
    out[axis] = v / (isRotationAxis(axis) ? SCALE_ROTATION : SCALE_TRANSLATION);
  });
  return out as unknown as Pose6;
}

export interface CouchStatus {
  readonly moving: boolean;
  readonly inPosition: boolean;
  readonly fault: boolean;
  readonly targetValid: boolean;
  readonly enabled: boolean;
  readonly watchdogExpired: boolean;
  readonly faultCode: CouchFault;
  readonly moveId: number;
  readonly deviceTick: number;
}

export function decodeStatusRegisters(regs: ArrayLike<number>): CouchStatus {
  const w = regs[CouchReg.status];
  return {
    moving: (w & CouchStatusBit.moving) !== 0,
    inPosition: (w & CouchStatusBit.inPosition) !== 0,
    fault: (w & CouchStatusBit.fault) !== 0,
    targetValid: (w & CouchStatusBit.targetValid) !== 0,
    enabled: (w & CouchStatusBit.enabled) !== 0,
    watchdogExpired: (w & CouchStatusBit.watchdogExpired) !== 0,
    faultCode: regs[CouchReg.faultCode] as CouchFault,
    moveId: regs[CouchReg.moveId],
    deviceTick: regs[CouchReg.deviceTick],
  };
}

export function encodeStatusWord(s: Omit<CouchStatus, 'faultCode' | 'moveId' | 'deviceTick'>): number {
  return (
    (s.moving ? CouchStatusBit.moving : 0) |
    (s.inPosition ? CouchStatusBit.inPosition : 0) |
    (s.fault ? CouchStatusBit.fault : 0) |
    (s.targetValid ? CouchStatusBit.targetValid : 0) |
    (s.enabled ? CouchStatusBit.enabled : 0) |
    (s.watchdogExpired ? CouchStatusBit.watchdogExpired : 0)
  );
}
