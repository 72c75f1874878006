/**
 * A DICOM Spatial Registration object (rigid FrameOfReferenceTransformationMatrix)
 * turned into a registration message for the pipeline. Pure: takes the
 * naturalized dataset (dcmjs) and what the drop folder is bound to.
 *
 * DICOM patient coordinates are LPS (+x patient left, +y posterior, +z head).
 * For a head-first supine patient (the only orientation accepted here) the IEC
 * 61217 table-top axes are X = +x, Y = +z (toward the gantry), Z = −y (up):
 * v_iec = C·v_lps with C = [[1,0,0],[0,0,1],[0,−1,0]], and R_iec = C·R·Cᵀ.
 * The matrix sense is configured: `patient-correction` means the matrix is
 * the correction to apply; `image-to-reference` means it maps the CBCT frame
 * onto the planning CT and is inverted. Verify the sense for each imaging
 * system with a phantom shift before clinical use.
 */
import { BridgeError } from '../../core/bridge-error.js';
import { toAngles, type Mat3, type Vec3 } from '../couch/rotation.js';

export const SPATIAL_REGISTRATION_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.1';

export interface DropFolderBinding {
  readonly planId: string;
  readonly fraction: number;
  readonly patientPosition: string;
  readonly matrixSense: 'patient-correction' | 'image-to-reference';
}

type Dataset = Record<string, unknown>;
const C: Mat3 = [[1, 0, 0], [0, 0, 1], [0, -1, 0]];
const fail = (field: string, summary: string, extra: { actual?: string | number; limit?: string | number } = {}) => new BridgeError('REG_INVALID', summary, { field: `dicom.${field}`, ...extra });

const mul = (a: Mat3, b: Mat3): Mat3 => [0, 1, 2].map((i) => [0, 1, 2].map((j) => a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j])) as unknown as Mat3;
const transpose = (a: Mat3): Mat3 => [[a[0][0], a[1][0], a[2][0]], [a[0][1], a[1][1], a[2][1]], [a[0][2], a[1][2], a[2][2]]];
const apply = (a: Mat3, v: Vec3): Vec3 => [a[0][0] * v[0] + a[0][1] * v[1] + a[0][2] * v[2], a[1][0] * v[0] + a[1][1] * v[1] + a[1][2] * v[2], a[2][0] * v[0] + a[2][1] * v[1] + a[2][2] * v[2]];

function matrices(ds: Dataset): Array<{ m: number[]; type: string }> {
  const regs = ds.RegistrationSequence as Dataset[] | undefined;
  if (!Array.isArray(regs) || regs.length === 0) throw fail('RegistrationSequence', 'missing');
  return regs.flatMap((r, i) => {
    const mrs = (r.MatrixRegistrationSequence as Dataset[] | undefined)?.[0];
    const ms = (mrs?.MatrixSequence as Dataset[] | undefined)?.[0];
    if (!ms) throw fail(`RegistrationSequence[${i}].MatrixRegistrationSequence`, 'missing a matrix');
    const m = (ms.FrameOfReferenceTransformationMatrix as unknown[] | undefined)?.map(Number);
    if (!m || m.length !== 16 || m.some((v) => !Number.isFinite(v))) throw fail(`RegistrationSequence[${i}].FrameOfReferenceTransformationMatrix`, 'must be 16 finite numbers', { actual: m?.length ?? 0, limit: 16 });
    return [{ m, type: String(ms.FrameOfReferenceTransformationMatrixType ?? '') }];
  });
}

function isIdentity(m: number[]): boolean {
  return m.every((v, i) => Math.abs(v - (i % 5 === 0 ? 1 : 0)) < 1e-9);
}

function dicomTime(date: unknown, time: unknown, offset: unknown): string | undefined {
  const d = String(date ?? '');
  const t = String(time ?? '').padEnd(6, '0');
  if (!/^\d{8}$/.test(d) || !/^\d{6}/.test(t)) return undefined;
  const tz = /^[+-]\d{4}$/.test(String(offset ?? '')) ? `${String(offset).slice(0, 3)}:${String(offset).slice(3)}` : 'Z';
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}${tz}`;
}

/** Converts the dataset, or throws REG_INVALID naming the DICOM attribute. */
export function spatialRegistrationToMessage(ds: Dataset, binding: DropFolderBinding): Record<string, unknown> {
  if (ds.SOPClassUID !== SPATIAL_REGISTRATION_SOP_CLASS) throw fail('SOPClassUID', 'not a Spatial Registration object', { actual: String(ds.SOPClassUID), limit: SPATIAL_REGISTRATION_SOP_CLASS });
  if (binding.patientPosition !== 'HFS') throw fail('PatientPosition', 'only head-first supine is supported', { actual: binding.patientPosition, limit: 'HFS' });
  const moving = matrices(ds).find((x) => !isIdentity(x.m)) ?? matrices(ds)[0];
  if (moving.type !== 'RIGID') throw fail('FrameOfReferenceTransformationMatrixType', 'only rigid registrations are applied', { actual: moving.type, limit: 'RIGID' });
  const m = moving.m;
  let r: Mat3 = [[m[0], m[1], m[2]], [m[4], m[5], m[6]], [m[8], m[9], m[10]]];
  let t: Vec3 = [m[3], m[7], m[11]];
  const rrt = mul(r, transpose(r));
  const orthonormal = rrt.every((row, i) => row.every((v, j) => Math.abs(v - (i === j ? 1 : 0)) < 1e-4)) && Math.abs(m[12]) + Math.abs(m[13]) + Math.abs(m[14]) < 1e-9 && Math.abs(m[15] - 1) < 1e-9;
  if (!orthonormal) throw fail('FrameOfReferenceTransformationMatrix', 'not a rigid transform (rotation not orthonormal or bad last row)');
  if (binding.matrixSense === 'image-to-reference') {
    const rt = transpose(r);
    t = apply(rt, t).map((v) => -v) as unknown as Vec3;
    r = rt;
  }
  const rIec = mul(mul(C, r), transpose(C));
  const tIec = apply(C, t);
  const a = toAngles(rIec);
  const when = dicomTime(ds.ContentDate, ds.ContentTime, ds.TimezoneOffsetFromUTC);
  const acquired = dicomTime(ds.AcquisitionDate ?? ds.ContentDate, ds.AcquisitionTime ?? ds.ContentTime, ds.TimezoneOffsetFromUTC);
  const label = `${String(ds.ContentLabel ?? '')} ${String(ds.ContentDescription ?? '')}`.toLowerCase();
  return {
    id: String(ds.SOPInstanceUID ?? ''),
    patientId: String(ds.PatientID ?? ''),
    planId: binding.planId,
    fraction: binding.fraction,
    imageSeries: String(ds.SeriesInstanceUID ?? ds.SeriesDescription ?? 'REG'),
    acquiredAt: acquired,
    registeredAt: when,
    method: label.includes('soft') ? 'soft-tissue' : label.includes('fiducial') ? 'fiducial' : 'bony',
    roiName: String(ds.ContentLabel ?? 'REG'),
    correction: { lateral: tIec[0], longitudinal: tIec[1], vertical: tIec[2], pitch: a.pitchDeg, roll: a.rollDeg, yaw: a.yawDeg },
    units: { translation: 'mm', rotation: 'deg' },
    quality: 1,
    source: 'dicom-sro',
  };
}
