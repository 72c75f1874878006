/**
 * Encodes a trajectory log in the TrueBeam layout (docs/logs.md): the header,
 * subbeams (name, then its first 32 bytes again, as every sample file has),
 * snapshot-major float32 samples, then CRC-16/CCITT-FALSE little-endian.
 * A log decoded from a file encodes back to the same bytes.
 */
import { BridgeError } from '../../core/bridge-error.js';
import { crc16Ccitt } from '../crc16.js';
import {
  TLOG_HEADER_BYTES, TLOG_METADATA_BYTES, TLOG_SIGNATURE, samplesPerSnapshot, subbeamBytes, subbeamNameBytes, versionNumber,
  type TrajectoryLog,
} from './trajectory-log.js';

function putText(out: Uint8Array, offset: number, size: number, text: string, field: string): void {
  const b = Buffer.from(text, 'latin1');
  if (b.length > size) throw new BridgeError('INPUT_INVALID', 'text does not fit its field', { field, actual: b.length, limit: size, unit: 'bytes' });
  out.set(b, offset);
}

export function encodeTrajectoryLog(log: TrajectoryLog): Uint8Array {
  const n = log.axes.length;
  const perSnapshot = samplesPerSnapshot(log.axes) * 2;
  if (log.data.length !== log.snapshots * perSnapshot) {
    throw new BridgeError('INPUT_INVALID', 'data length is not snapshots × samples × 2', { field: 'tlog.data', actual: log.data.length, limit: log.snapshots * perSnapshot });
  }
  const v4 = versionNumber(log.version) >= 4;
  const fixedEnd = 64 + 8 * n + (v4 ? TLOG_METADATA_BYTES : 0);
  if (fixedEnd > TLOG_HEADER_BYTES) throw new BridgeError('INPUT_INVALID', 'too many axes for the header', { field: 'tlog.axes', actual: n });
  const sb = subbeamBytes(log.version);
  const total = TLOG_HEADER_BYTES + log.subbeams.length * sb + log.data.length * 4 + 2;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const put = (o: number, v: number): void => view.setInt32(o, v, true);
  putText(out, 0, 16, TLOG_SIGNATURE, 'tlog.signature');
  putText(out, 16, 16, log.version, 'tlog.version');
  put(32, TLOG_HEADER_BYTES);
  put(36, log.samplingIntervalMs);
  put(40, n);
  log.axes.forEach((a, k) => {
    put(44 + 4 * k, a.id);
    put(44 + 4 * n + 4 * k, a.samples);
  });
  const h = 44 + 8 * n;
  put(h, log.axisScale);
  put(h + 4, log.subbeams.length);
  put(h + 8, log.isTruncated ? 1 : 0);
  put(h + 12, log.snapshots);
  put(h + 16, log.mlcModel);
  if (v4) putText(out, h + 20, TLOG_METADATA_BYTES, log.metadataText ?? '', 'tlog.metadata');
  if (log.reserved) out.set(log.reserved.subarray(0, TLOG_HEADER_BYTES - fixedEnd), fixedEnd);
  const nameBytes = subbeamNameBytes(log.version);
  log.subbeams.forEach((s, k) => {
    const o = TLOG_HEADER_BYTES + k * sb;
    put(o, s.controlPoint);
    view.setFloat32(o + 4, s.mu, true);
    view.setFloat32(o + 8, s.radiationTimeS, true);
    put(o + 12, s.sequence);
    putText(out, o + 16, nameBytes, s.name, `tlog.subbeams[${k}].name`);
    out.set(s.trailer ?? out.slice(o + 16, o + 48), o + 16 + nameBytes);
  });
  const dataStart = TLOG_HEADER_BYTES + log.subbeams.length * sb;
  for (let k = 0; k < log.data.length; k++) view.setFloat32(dataStart + 4 * k, log.data[k], true);
  view.setUint16(total - 2, crc16Ccitt(out, 0, total - 2), true);
  return out;
}
