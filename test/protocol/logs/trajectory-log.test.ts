import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc16Ccitt } from '../../../src/protocol/crc16.js';
import { TlogAxis, axisOffsets, parseMetadata, formatMetadata, samplesPerSnapshot, type TrajectoryLog } from '../../../src/protocol/logs/trajectory-log.js';
import { decodeTrajectoryLog } from '../../../src/protocol/logs/trajectory-log-decode.js';
import { encodeTrajectoryLog } from '../../../src/protocol/logs/trajectory-log-encode.js';
import { machineToIecRotationDeg } from '../../../src/domain/logs/machine-log.js';

const FIX = path.resolve(__dirname, '../../fixtures/tlog');
const files = ['tlog_v2.1_JS0_static.bin', 'tlog_v2.1_JST90.bin'];
const decode = (b: Uint8Array): TrajectoryLog => {
  const r = decodeTrajectoryLog(b);
  if (!r.ok) throw r.error;
  return r.value;
};

/** A log with the given axes, every sample set to a value derived from its position. */
function synthetic(version: string, axes: Array<{ id: number; samples: number }>, snapshots: number, metadataText?: string): TrajectoryLog {
  const data = new Float32Array(snapshots * samplesPerSnapshot(axes) * 2).map((_, k) => (k % 97) * 0.25 - 3);
  return { version, samplingIntervalMs: 20, axes, axisScale: 2, isTruncated: false, mlcModel: 2, metadataText, subbeams: [{ controlPoint: 0, mu: 12.5, radiationTimeS: 3, sequence: 0, name: 'Arc 1' }], snapshots, data };
}

describe('trajectory log codec', () => {
  it.each(files)('re-writes the reference log %s byte for byte, CRC included', (f) => {
    const bytes = fs.readFileSync(path.join(FIX, f));
    expect(Buffer.from(encodeTrajectoryLog(decode(bytes))).equals(bytes)).toBe(true);
  });

  it('reads the header fields of the v2.1 reference as documented (14 axes, 1 subbeam, 103 snapshots, 120 leaves, machine scale)', () => {
    const log = decode(fs.readFileSync(path.join(FIX, 'tlog_v2.1_JST90.bin')));
    expect(log.version).toBe('2.1');
    expect(log.axes.map((a) => a.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 40, 41, 42, 50]);
    expect(axisOffsets(log.axes).get(TlogAxis.mlc)).toEqual({ offset: 13, samples: 122 });
    expect([log.snapshots, log.axisScale, log.mlcModel, log.samplingIntervalMs]).toEqual([103, 1, 2, 20]);
    expect(log.subbeams).toEqual([expect.objectContaining({ name: 'JST90:TX', controlPoint: 0 })]);
  });

  it('stores a CRC-16/CCITT-FALSE (check value 0x29B1 for "123456789") of every byte before it, little-endian', () => {
    expect(crc16Ccitt(Buffer.from('123456789'))).toBe(0x29b1);
    const bytes = fs.readFileSync(path.join(FIX, files[0]));
    expect(bytes.readUInt16LE(bytes.length - 2)).toBe(crc16Ccitt(bytes, 0, bytes.length - 2));
  });

  it('refuses a log with one flipped bit as FRAME_CRC', () => {
    const bytes = Buffer.from(fs.readFileSync(path.join(FIX, files[0])));
    bytes[5000] ^= 0x10;
    const r = decodeTrajectoryLog(bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.code, r.error.field]).toEqual(['FRAME_CRC', 'tlog.crc']);
  });

  it('refuses a truncated log naming the length', () => {
    const bytes = fs.readFileSync(path.join(FIX, files[0])).subarray(0, 50_000);
    const r = decodeTrajectoryLog(bytes);
    expect(!r.ok && [r.error.code, r.error.field]).toEqual(['FRAME_MALFORMED', 'tlog.length']);
  });

  it('refuses a file that is not a trajectory log', () => {
    const r = decodeTrajectoryLog(new Uint8Array(2000));
    expect(!r.ok && r.error.field).toBe('tlog.signature');
  });

  it('maps axes by the header list, not the version: a v3.0 log with 14 axes and one with couch pitch and roll', () => {
    const base = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((id) => ({ id, samples: 1 }));
    const tail = [40, 41, 42].map((id) => ({ id, samples: 1 })).concat([{ id: 50, samples: 122 }]);
    for (const axes of [[...base, ...tail], [...base, { id: 10, samples: 1 }, { id: 11, samples: 1 }, ...tail]]) {
      const log = synthetic('3.0', axes, 7);
      const bytes = encodeTrajectoryLog(log);
      expect(bytes.length).toBe(1024 + 560 + 7 * samplesPerSnapshot(axes) * 8 + 2);
      const back = decode(bytes);
      expect(back.axes).toEqual(axes);
      expect(Array.from(back.data)).toEqual(Array.from(log.data));
      expect(axisOffsets(back.axes).get(TlogAxis.mlc)?.offset).toBe(axes.length - 1);
    }
  });

  it('writes and reads the v4.0 metadata block as Key:<TAB>Value lines', () => {
    const meta = { 'Patient ID': 'PHANTOM-1', 'Plan Name': 'QA', 'Original MU': '100', BeamName: 'Arc 1' };
    const axes = [{ id: 1, samples: 1 }, { id: 40, samples: 1 }, { id: 41, samples: 1 }, { id: 50, samples: 82 }];
    const log = synthetic('4.0', axes, 3, formatMetadata(meta));
    const bytes = encodeTrajectoryLog(log);
    const back = decode(bytes);
    expect(parseMetadata(back.metadataText)).toEqual(meta);
    expect(Buffer.from(encodeTrajectoryLog(back)).equals(Buffer.from(bytes))).toBe(true);
    expect(Buffer.from(bytes.subarray(44 + 8 * 4 + 20, 44 + 8 * 4 + 36)).toString('latin1')).toBe('Patient ID:\tPHAN');
  });

  it('gives the IEC gantry angle of the machine-scale reference as its IEC-scale .txt companion reports it (0.04°)', () => {
    const log = decode(fs.readFileSync(path.join(FIX, 'tlog_v2.1_JST90.bin')));
    const g = axisOffsets(log.axes).get(TlogAxis.gantry)!;
    const txt = fs.readFileSync(path.join(FIX, 'tlog_v2.1_JST90.txt'), 'latin1');
    const reported = Number(/Gantry Rotation Angle \(deg\):\t([-\d.]+)/.exec(txt)![1]);
    expect(machineToIecRotationDeg(log.data[g.offset * 2 + 1])).toBeCloseTo(reported, 2);
  });
});
