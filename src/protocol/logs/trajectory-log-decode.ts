/**
 * Decodes a trajectory log from its bytes. Axes are mapped by the header's
 * axis list and sample counts, never by version (a v3 file may have 14 axes).
 * The CRC is CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no
 * final xor) over every byte before the last two, stored little-endian:
 * measured on the sample logs (shared reference log-formats.md §1).
 */
import { BridgeError } from '../../core/bridge-error.js';
import { err, ok, type Result } from '../../core/result.js';
import { crc16Ccitt } from '../crc16.js';
import {
  TLOG_HEADER_BYTES, TLOG_METADATA_BYTES, TLOG_SIGNATURE, samplesPerSnapshot, subbeamBytes, subbeamNameBytes, versionNumber,
  type TlogAxisSpec, type TlogSubbeam, type TrajectoryLog,
} from './trajectory-log.js';

const MAX_AXES = 64;
const MAX_SAMPLES_PER_AXIS = 1024;

/** Latin1 text of a NUL-padded field, trailing NULs removed. */
export function fieldText(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
}

const bad = (field: string, summary: string, actual?: string | number, limit?: string | number): Result<never, BridgeError> =>
  err(new BridgeError('FRAME_MALFORMED', summary, { field, actual, limit }));

export function decodeTrajectoryLog(bytes: Uint8Array): Result<TrajectoryLog, BridgeError> {
  if (bytes.length < TLOG_HEADER_BYTES + 2) return bad('tlog.length', 'file shorter than the 1024-byte header', bytes.length, TLOG_HEADER_BYTES + 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const i32 = (o: number): number => view.getInt32(o, true);
  const signature = fieldText(bytes.subarray(0, 16));
  if (signature !== TLOG_SIGNATURE) return bad('tlog.signature', 'not a trajectory log', signature, TLOG_SIGNATURE);
  const version = fieldText(bytes.subarray(16, 32));
  if (!Number.isFinite(versionNumber(version))) return bad('tlog.version', 'version is not a number', version);
  if (i32(32) !== TLOG_HEADER_BYTES) return bad('tlog.headerSize', 'header size is not 1024', i32(32), TLOG_HEADER_BYTES);
  const n = i32(40);
  if (n < 1 || n > MAX_AXES) return bad('tlog.axisCount', 'axis count out of range', n, `1..${MAX_AXES}`);
  const axes: TlogAxisSpec[] = [];
  for (let k = 0; k < n; k++) {
    const samples = i32(44 + 4 * n + 4 * k);
    if (samples < 1 || samples > MAX_SAMPLES_PER_AXIS) return bad(`tlog.samplesPerAxis[${k}]`, 'samples per axis out of range', samples, `1..${MAX_SAMPLES_PER_AXIS}`);
    axes.push({ id: i32(44 + 4 * k), samples });
  }
  const h = 44 + 8 * n;
  const fixedEnd = h + 20 + (versionNumber(version) >= 4 ? TLOG_METADATA_BYTES : 0);
  if (fixedEnd > TLOG_HEADER_BYTES) return bad('tlog.axisCount', 'header fields overrun 1024 bytes', n);
  const subbeamCount = i32(h + 4);
  const snapshots = i32(h + 12);
  if (subbeamCount < 0 || snapshots < 0) return bad('tlog.snapshots', 'negative count', Math.min(subbeamCount, snapshots), '>= 0');
  const perSnapshot = samplesPerSnapshot(axes) * 8;
  const expected = TLOG_HEADER_BYTES + subbeamCount * subbeamBytes(version) + snapshots * perSnapshot + 2;
  if (bytes.length !== expected) return bad('tlog.length', 'file length does not match the header', bytes.length, expected);
  const stored = view.getUint16(bytes.length - 2, true);
  const computed = crc16Ccitt(bytes, 0, bytes.length - 2);
  if (stored !== computed) {
    return err(new BridgeError('FRAME_CRC', 'CRC-16/CCITT-FALSE does not match', { field: 'tlog.crc', actual: `0x${stored.toString(16)}`, limit: `0x${computed.toString(16)}` }));
  }
  const subbeams = readSubbeams(bytes, view, version, subbeamCount);
  const dataStart = TLOG_HEADER_BYTES + subbeamCount * subbeamBytes(version);
  const data = new Float32Array(snapshots * perSnapshot / 4);
  for (let k = 0; k < data.length; k++) data[k] = view.getFloat32(dataStart + 4 * k, true);
  const reserved = bytes.slice(fixedEnd, TLOG_HEADER_BYTES);
  return ok({
    version,
    samplingIntervalMs: i32(36),
    axes,
    axisScale: i32(h),
    isTruncated: i32(h + 8) !== 0,
    mlcModel: i32(h + 16),
    metadataText: versionNumber(version) >= 4 ? fieldText(bytes.subarray(h + 20, h + 20 + TLOG_METADATA_BYTES)) : undefined,
    subbeams,
    snapshots,
    data,
    reserved: reserved.some((b) => b !== 0) ? reserved : undefined,
  });
}

function readSubbeams(bytes: Uint8Array, view: DataView, version: string, count: number): TlogSubbeam[] {
  const nameBytes = subbeamNameBytes(version);
  const out: TlogSubbeam[] = [];
  for (let s = 0; s < count; s++) {
    const o = TLOG_HEADER_BYTES + s * subbeamBytes(version);
    const name = bytes.subarray(o + 16, o + 16 + nameBytes);
    const trailer = bytes.subarray(o + 16 + nameBytes, o + 16 + nameBytes + 32);
    const echo = trailer.every((b, k) => b === name[k]);
    out.push({
      controlPoint: view.getInt32(o, true),
      mu: view.getFloat32(o + 4, true),
      radiationTimeS: view.getFloat32(o + 8, true),
      sequence: view.getInt32(o + 12, true),
      name: fieldText(name),
      ...(echo ? {} : { trailer: trailer.slice() }),
    });
  }
  return out;
}
