/**
 * Linac beam link messages carried in frame-codec frames (docs/protocols/beam.md).
 * MU values are u32 in milli-MU; dose rate u16 in MU/min.
 * Two monitor-unit channels are reported independently.
 */
export enum BeamCmd {
  Identify = 0x11,
  Arm = 0x12,
  SetSegmentEnd = 0x13,
  BeamOn = 0x14,
  Hold = 0x15,
  Terminate = 0x16,
  Status = 0x17,
  Heartbeat = 0x18,
  Reset = 0x19,
}

/**
 * Request payload length of every beam command (docs/protocols/beam.md). A device NAKs (2, bad
 * payload) any other length: a HEARTBEAT with a payload is not a heartbeat.
 */
export const BEAM_REQUEST_PAYLOAD_BYTES: Readonly<Record<BeamCmd, number>> = {
  [BeamCmd.Identify]: 0,
  [BeamCmd.Arm]: 8,
  [BeamCmd.SetSegmentEnd]: 4,
  [BeamCmd.BeamOn]: 0,
  [BeamCmd.Hold]: 0,
  [BeamCmd.Terminate]: 0,
  [BeamCmd.Status]: 0,
  [BeamCmd.Heartbeat]: 0,
  [BeamCmd.Reset]: 0,
};

export enum BeamState {
  Idle = 0,
  Armed = 1,
  BeamOn = 2,
  /** Interrupted by a hold; may continue without re-selection. */
  Held = 3,
  /** Paused at the segment end MU (step-and-shoot), beam off. */
  SegmentDone = 4,
  /** Preset MU reached on the primary channel. */
  Complete = 5,
  /** Terminated (manual, secondary channel, backup timer, watchdog, interlock). */
  Terminated = 6,
}

export enum TerminationReason {
  None = 0,
  PresetReached = 1,
  Manual = 2,
  SecondaryChannel = 3,
  BackupTimer = 4,
  Watchdog = 5,
  DoorOpen = 6,
}

export const BeamFlag = {
  doorClosed: 1 << 0,
  emergencyStop: 1 << 1,
  watchdogHold: 1 << 2,
} as const;

export const MU_LSB = 0.001;

export interface BeamStatus {
  readonly state: BeamState;
  readonly beamId: number;
  readonly mu1: number;
  readonly mu2: number;
  readonly presetMu: number;
  readonly segmentEndMu: number;
  readonly doseRateMuPerMin: number;
  readonly doorClosed: boolean;
  readonly emergencyStop: boolean;
  /** Set when the device held the beam because the bridge's heartbeat stopped. */
  readonly watchdogHold: boolean;
  readonly termination: TerminationReason;
  readonly tick: number;
}

/** The device type every linac beam interface reports in its IDENTIFY reply (docs/protocols/beam.md). */
export const BEAM_DEVICE_TYPE = 'linac-beam-interface';

/** IDENTIFY reply: three ASCII strings, each `u8 length` then the bytes (at most 32). */
export interface BeamIdentity {
  readonly deviceType: string;
  readonly model: string;
  readonly firmware: string;
}

export function encodeBeamIdentity(id: BeamIdentity): Buffer {
  const field = (t: string): Buffer => {
    const b = Buffer.from(t.slice(0, 32), 'ascii');
    return Buffer.concat([Buffer.from([b.length]), b]);
  };
  return Buffer.concat([field(id.deviceType), field(id.model), field(id.firmware)]);
}

export function decodeBeamIdentity(p: Buffer): BeamIdentity | undefined {
  const fields: string[] = [];
  let off = 0;
  for (let k = 0; k < 3; k++) {
    if (off >= p.length || off + 1 + p[off] > p.length) return undefined;
    fields.push(p.subarray(off + 1, off + 1 + p[off]).toString('ascii'));
    off += 1 + p[off];
  }
  return off === p.length ? { deviceType: fields[0], model: fields[1], firmware: fields[2] } : undefined;
}

export interface ArmRequest {
  readonly beamId: number;
  readonly presetMu: number;
  readonly doseRateMuPerMin: number;
}

const toMilli = (mu: number): number => {
  const v = Math.round(mu / MU_LSB);
  if (!Number.isFinite(mu) || v < 0 || v > 0xffffffff) throw new RangeError(`MU ${mu} not representable`);
  return v;
};

export function encodeArm(a: ArmRequest): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(a.beamId & 0xffff, 0);
  b.writeUInt32LE(toMilli(a.presetMu), 2);
  b.writeUInt16LE(Math.round(a.doseRateMuPerMin) & 0xffff, 6);
  return b;
}

export function decodeArm(p: Buffer): ArmRequest | undefined {
  if (p.length !== 8) return undefined;
  return { beamId: p.readUInt16LE(0), presetMu: p.readUInt32LE(2) * MU_LSB, doseRateMuPerMin: p.readUInt16LE(6) };
}

export function encodeMu(mu: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(toMilli(mu), 0);
  return b;
}

export function decodeMu(p: Buffer): number | undefined {
  return p.length === 4 ? p.readUInt32LE(0) * MU_LSB : undefined;
}

export function encodeBeamStatus(s: BeamStatus): Buffer {
  const b = Buffer.alloc(26);
  b[0] = s.state;
  b.writeUInt16LE(s.beamId & 0xffff, 1);
  b.writeUInt32LE(toMilli(s.mu1), 3);
  b.writeUInt32LE(toMilli(s.mu2), 7);
  b.writeUInt32LE(toMilli(s.presetMu), 11);
  b.writeUInt32LE(toMilli(s.segmentEndMu), 15);
  b.writeUInt16LE(Math.round(s.doseRateMuPerMin) & 0xffff, 19);
  b[21] = (s.doorClosed ? BeamFlag.doorClosed : 0) | (s.emergencyStop ? BeamFlag.emergencyStop : 0) | (s.watchdogHold ? BeamFlag.watchdogHold : 0);
  b[22] = s.termination;
  b.writeUInt16LE(s.tick & 0xffff, 23);
  b[25] = 0; // reserved
  return b;
}

export function decodeBeamStatus(p: Buffer): BeamStatus | undefined {
  if (p.length !== 26 || p[0] > BeamState.Terminated) return undefined;
  return {
    state: p[0] as BeamState,
    beamId: p.readUInt16LE(1),
    mu1: p.readUInt32LE(3) * MU_LSB,
    mu2: p.readUInt32LE(7) * MU_LSB,
    presetMu: p.readUInt32LE(11) * MU_LSB,
    segmentEndMu: p.readUInt32LE(15) * MU_LSB,
    doseRateMuPerMin: p.readUInt16LE(19),
    doorClosed: (p[21] & BeamFlag.doorClosed) !== 0,
    emergencyStop: (p[21] & BeamFlag.emergencyStop) !== 0,
    watchdogHold: (p[21] & BeamFlag.watchdogHold) !== 0,
    termination: p[22] as TerminationReason,
    tick: p.readUInt16LE(23),
  };
}
