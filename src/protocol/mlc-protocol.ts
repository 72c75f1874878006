/**
 * MLC controller messages carried in frame-codec frames (docs/protocols/mlc.md).
 * Leaf positions are X_b coordinates of the leaf tips at the isocentre plane,
 * int16 in units of 0.01 mm: bank A (X2, +X side) leaves 0..n-1, then bank B (X1).
 */
export enum MlcCmd {
  Identify = 0x01,
  SetTargets = 0x02,
  Move = 0x03,
  Stop = 0x04,
  ReadPositions = 0x05,
  Status = 0x06,
  Heartbeat = 0x07,
  ResetFault = 0x08,
  /** Loads a chunk of a dynamic trajectory (MU-indexed control points). */
  LoadTrajectory = 0x09,
  /** Leaves follow the loaded trajectory by the linac's delivered-dose fraction. */
  StartTrajectory = 0x0a,
}

export const MLC_POSITION_LSB_MM = 0.01;

/**
 * Request payload length of each fixed-length command (docs/protocols/mlc.md); SET_TARGETS and
 * LOAD_TRAJECTORY are checked by their decoders. A device NAKs (2, bad payload) any other length.
 */
export const MLC_REQUEST_PAYLOAD_BYTES: Readonly<Partial<Record<MlcCmd, number>>> = {
  [MlcCmd.Identify]: 0,
  [MlcCmd.Move]: 0,
  [MlcCmd.Stop]: 0,
  [MlcCmd.ReadPositions]: 0,
  [MlcCmd.Status]: 0,
  [MlcCmd.Heartbeat]: 4,
  [MlcCmd.ResetFault]: 0,
  [MlcCmd.StartTrajectory]: 0,
};

/** Status word bits. */
export const MlcStatusBit = {
  moving: 1 << 0,
  inPosition: 1 << 1,
  fault: 1 << 2,
  targetsLoaded: 1 << 3,
  trajectoryMode: 1 << 4,
  /** A leaf lags its trajectory beyond the controller's tolerance: the beam is held off. */
  holdOff: 1 << 5,
} as const;

export interface MlcIdentity {
  readonly model: string;
  readonly leafPairs: number;
  readonly firmware: string;
}

export interface MlcStatus {
  readonly moving: boolean;
  readonly inPosition: boolean;
  readonly fault: boolean;
  readonly targetsLoaded: boolean;
  readonly trajectoryMode?: boolean;
  readonly holdOff?: boolean;
  readonly faultCode: number;
  /** Largest |actual − target| over all leaves, mm. */
  readonly maxErrorMm: number;
  /** Device uptime counter, increments every device cycle (detects a frozen controller). */
  readonly tick: number;
}

export interface MlcPositions {
  readonly bankAMm: readonly number[];
  readonly bankBMm: readonly number[];
}

export function encodeIdentity(id: MlcIdentity): Buffer {
  const model = Buffer.from(id.model.slice(0, 32), 'ascii');
  const fw = Buffer.from(id.firmware.slice(0, 16), 'ascii');
  return Buffer.concat([Buffer.from([id.leafPairs, model.length]), model, Buffer.from([fw.length]), fw]);
}

export function decodeIdentity(p: Buffer): MlcIdentity | undefined {
  if (p.length < 3) return undefined;
  const leafPairs = p[0];
  const ml = p[1];
  if (p.length < 2 + ml + 1) return undefined;
  const model = p.subarray(2, 2 + ml).toString('ascii');
  const fl = p[2 + ml];
  if (p.length !== 3 + ml + fl) return undefined;
  return { leafPairs, model, firmware: p.subarray(3 + ml).toString('ascii') };
}

/** Positions payload: u8 pairs, then 2·pairs int16 (bank A then bank B). Throws on unrepresentable values. */
export function encodePositions(pos: MlcPositions): Buffer {
  const n = pos.bankAMm.length;
  if (pos.bankBMm.length !== n) throw new RangeError(`bank B has ${pos.bankBMm.length} leaves, bank A ${n}`);
  const buf = Buffer.alloc(1 + 4 * n);
  buf[0] = n;
  [...pos.bankAMm, ...pos.bankBMm].forEach((mm, i) => {
    const v = Math.round(mm / MLC_POSITION_LSB_MM);
    if (!Number.isFinite(mm) || v < -32768 || v > 32767) throw new RangeError(`leaf ${i} position ${mm} mm not representable`);
    buf.writeInt16LE(v, 1 + 2 * i);
  });
  return buf;
}

export function decodePositions(p: Buffer): MlcPositions | undefined {
  if (p.length < 1) return undefined;
  const n = p[0];
  if (p.length !== 1 + 4 * n) return undefined;
  const read = (i: number): number => p.readInt16LE(1 + 2 * i) * MLC_POSITION_LSB_MM;
  return {
    bankAMm: Array.from({ length: n }, (_, i) => read(i)),
    bankBMm: Array.from({ length: n }, (_, i) => read(n + i)),
  };
}

export function encodeStatus(s: MlcStatus): Buffer {
  const buf = Buffer.alloc(9);
  const word =
    (s.moving ? MlcStatusBit.moving : 0) |
    (s.inPosition ? MlcStatusBit.inPosition : 0) |
    (s.fault ? MlcStatusBit.fault : 0) |
    (s.targetsLoaded ? MlcStatusBit.targetsLoaded : 0) |
    (s.trajectoryMode ? MlcStatusBit.trajectoryMode : 0) |
    (s.holdOff ? MlcStatusBit.holdOff : 0);
  buf.writeUInt16LE(word, 0);
  buf[2] = s.faultCode & 0xff;
  buf.writeUInt16LE(Math.min(0xffff, Math.round(s.maxErrorMm / MLC_POSITION_LSB_MM)), 3);
  buf.writeUInt32LE(s.tick >>> 0, 5);
  return buf;
}

export function decodeStatus(p: Buffer): MlcStatus | undefined {
  if (p.length !== 9) return undefined;
  const word = p.readUInt16LE(0);
  return {
    moving: (word & MlcStatusBit.moving) !== 0,
    inPosition: (word & MlcStatusBit.inPosition) !== 0,
    fault: (word & MlcStatusBit.fault) !== 0,
    targetsLoaded: (word & MlcStatusBit.targetsLoaded) !== 0,
    trajectoryMode: (word & MlcStatusBit.trajectoryMode) !== 0,
    holdOff: (word & MlcStatusBit.holdOff) !== 0,
    faultCode: p[2],
    maxErrorMm: p.readUInt16LE(3) * MLC_POSITION_LSB_MM,
    tick: p.readUInt32LE(5),
  };
}

/** Heartbeat request: the bridge's u32 counter (the device echoes it in a status reply). */
export function encodeHeartbeat(counter: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(counter >>> 0, 0);
  return b;
}

export function decodeHeartbeat(p: Buffer): number | undefined {
  return p.length === 4 ? p.readUInt32LE(0) : undefined;
}

/** One control point of a dynamic trajectory: cumulative meterset weight 0..1 and all leaf positions. */
export interface TrajectoryPoint {
  readonly metersetWeight: number;
  readonly positions: MlcPositions;
}

/** LoadTrajectory payload: u16 start index, u16 total count, u8 count, then per point u32 weight × 1e6 + a position list. */
export function encodeTrajectoryChunk(start: number, total: number, points: readonly TrajectoryPoint[]): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt16LE(start, 0);
  head.writeUInt16LE(total, 2);
  head[4] = points.length;
  const body = points.map((p) => {
    const w = Buffer.alloc(4);
    w.writeUInt32LE(Math.round(Math.min(1, Math.max(0, p.metersetWeight)) * 1e6), 0);
    return Buffer.concat([w, encodePositions(p.positions)]);
  });
  return Buffer.concat([head, ...body]);
}

export function decodeTrajectoryChunk(p: Buffer): { start: number; total: number; points: TrajectoryPoint[] } | undefined {
  if (p.length < 5) return undefined;
  const start = p.readUInt16LE(0);
  const total = p.readUInt16LE(2);
  const count = p[4];
  const points: TrajectoryPoint[] = [];
  let off = 5;
  for (let k = 0; k < count; k++) {
    if (off + 5 > p.length) return undefined;
    const w = p.readUInt32LE(off) / 1e6;
    const n = p[off + 4];
    const len = 1 + 4 * n;
    const pos = decodePositions(p.subarray(off + 4, off + 4 + len));
    if (!pos) return undefined;
    points.push({ metersetWeight: w, positions: pos });
    off += 4 + len;
  }
  return off === p.length ? { start, total, points } : undefined;
}

/** Leaf positions at a meterset weight, linear between control points. */
export function positionsAt(points: readonly TrajectoryPoint[], weight: number): MlcPositions {
  if (weight <= points[0].metersetWeight) return points[0].positions;
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1];
    const b = points[k];
    if (weight <= b.metersetWeight) {
      const f = b.metersetWeight === a.metersetWeight ? 1 : (weight - a.metersetWeight) / (b.metersetWeight - a.metersetWeight);
      const lerp = (x: readonly number[], y: readonly number[]) => x.map((v, i) => v + (y[i] - v) * f);
      return { bankAMm: lerp(a.positions.bankAMm, b.positions.bankAMm), bankBMm: lerp(a.positions.bankBMm, b.positions.bankBMm) };
    }
  }
  return points[points.length - 1].positions;
}
