/**
 * A DICOM Spatial Registration object (PS3.3 A.39.1, C.20.2) turned into a
 * registration message for the pipeline. Pure: takes the naturalized dataset
 * (dcmjs) and the loaded plan's identity and geometry.
 *
 *   items by Frame of Reference UID ─▶ moving→plan transform (registration-frames.ts)
 *   ─▶ correction about the plan isocentre, IEC table-top axes (isocentre-correction.ts)
 *
 * Refused (REG_INVALID naming the attribute): another SOP class, no plan
 * geometry (isocentre, frame of reference, patient position), a patient position
 * other than the plan's, non-RIGID or non-rigid matrices, composite Matrix
 * Sequences, frames that do not include the plan's, or more than one moving frame.
 */
import { BridgeError } from '../../core/bridge-error.js';
import type { Pose6 } from '../../core/pose.js';
import type { Vec3 } from '../couch/rotation.js';
import { dicomDateTimeToEpochMs } from './dicom-time.js';
import { correctionAboutIsocentre } from './isocentre-correction.js';
import type { PatientPosition } from './patient-position.js';
import { selectFrames, type RegistrationItem } from './registration-frames.js';
import { fromRowMajor, isRigidMatrix } from './rigid-transform.js';

export const SPATIAL_REGISTRATION_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.1';

/** Where the plan puts the patient: from the plan (a DICOM RT Plan import will fill it). */
export interface PlanGeometry {
  readonly frameOfReferenceUid: string;
  /** Plan isocentre, DICOM patient coordinates (LPS) of that frame, mm. */
  readonly isocenterLpsMm: Vec3;
  readonly patientPosition: PatientPosition;
}

export interface DicomRegistrationContext {
  readonly planId: string;
  readonly fraction: number;
  /** Undefined: the plan lacks it, and a DICOM registration cannot be used. */
  readonly geometry: PlanGeometry | undefined;
  /** IANA zone for DICOM times without Timezone Offset From UTC. */
  readonly localTimeZone: string;
}

export interface DicomRegistrationReading {
  readonly correction: Pose6;
  readonly frames: { readonly registered: string; readonly moving: string; readonly plan: string };
  readonly acquiredAtEpochMs: number;
  readonly registeredAtEpochMs: number;
  /** The registration message for the validation pipeline. */
  readonly message: Record<string, unknown>;
}

type Dataset = Record<string, unknown>;
const fail = (field: string, summary: string, extra: { actual?: string | number; limit?: string | number } = {}) => new BridgeError('REG_INVALID', summary, { field: `dicom.${field}`, ...extra });
const items = (v: unknown): Dataset[] => (Array.isArray(v) ? (v as Dataset[]) : v && typeof v === 'object' ? [v as Dataset] : []);

function registrationItems(ds: Dataset): RegistrationItem[] {
  const regs = items(ds.RegistrationSequence);
  if (regs.length === 0) throw fail('RegistrationSequence', 'missing');
  return regs.map((r, i) => {
    const at = `RegistrationSequence[${i}]`;
    const mrs = items(r.MatrixRegistrationSequence);
    if (mrs.length !== 1) throw fail(`${at}.MatrixRegistrationSequence`, 'must hold exactly one item', { actual: mrs.length, limit: 1 });
    const ms = items(mrs[0].MatrixSequence);
    // PS3.3 C.20.2.1.1 allows a product of several matrices; implementations disagree on its order, so only one is accepted
    if (ms.length !== 1) throw fail(`${at}.MatrixSequence`, 'only a single matrix is accepted', { actual: ms.length, limit: 1 });
    const type = String(ms[0].FrameOfReferenceTransformationMatrixType ?? '');
    if (type !== 'RIGID') throw fail(`${at}.FrameOfReferenceTransformationMatrixType`, 'only rigid registrations are applied', { actual: type, limit: 'RIGID' });
    const mv = ms[0].FrameOfReferenceTransformationMatrix;
    const raw = Array.isArray(mv) ? mv.map(Number) : typeof mv === 'string' ? mv.split('\\').map(Number) : [];
    if (raw.length !== 16 || raw.some((v) => !Number.isFinite(v))) throw fail(`${at}.FrameOfReferenceTransformationMatrix`, 'must be 16 finite numbers', { actual: raw.length, limit: 16 });
    if (!isRigidMatrix(raw)) throw fail(`${at}.FrameOfReferenceTransformationMatrix`, 'not a rigid transform (rotation not orthonormal, a reflection, or a bad last row)');
    const uid = r.FrameOfReferenceUID;
    return { frameUid: typeof uid === 'string' && uid.length > 0 ? uid : undefined, transform: fromRowMajor(raw) };
  });
}

function checkObject(ds: Dataset, ctx: DicomRegistrationContext): PlanGeometry {
  if (ds.SOPClassUID !== SPATIAL_REGISTRATION_SOP_CLASS) throw fail('SOPClassUID', 'not a Spatial Registration object', { actual: String(ds.SOPClassUID), limit: SPATIAL_REGISTRATION_SOP_CLASS });
  const g = ctx.geometry;
  if (!g) throw new BridgeError('REG_INVALID', 'the plan has no isocentre, frame of reference or patient position: a DICOM registration cannot be applied', { field: 'plan.isocenterLpsMm' });
  const pos = ds.PatientPosition;
  if (pos !== undefined && pos !== '' && pos !== g.patientPosition) throw fail('PatientPosition', "does not match the plan's patient position", { actual: String(pos), limit: g.patientPosition });
  if (typeof ds.FrameOfReferenceUID !== 'string' || ds.FrameOfReferenceUID === '') throw fail('FrameOfReferenceUID', 'missing: the registered frame is unknown');
  return g;
}

/** Reads the object against the plan, or throws REG_INVALID naming the DICOM attribute. */
export function readSpatialRegistration(ds: Dataset, ctx: DicomRegistrationContext): DicomRegistrationReading {
  const g = checkObject(ds, ctx);
  const sel = selectFrames(registrationItems(ds), ds.FrameOfReferenceUID as string, g.frameOfReferenceUid);
  const correction = correctionAboutIsocentre(sel.movingToPlan, g.isocenterLpsMm, g.patientPosition);
  const offset = ds.TimezoneOffsetFromUTC;
  const registeredAtEpochMs = dicomDateTimeToEpochMs({ date: ds.ContentDate, time: ds.ContentTime, offset, dateField: 'ContentDate', timeField: 'ContentTime' }, ctx.localTimeZone);
  // the REG carries no acquisition time of the CBCT unless the writer added one; the content time is the latest it can be
  const acquiredAtEpochMs = ds.AcquisitionDate !== undefined && ds.AcquisitionTime !== undefined
    ? dicomDateTimeToEpochMs({ date: ds.AcquisitionDate, time: ds.AcquisitionTime, offset, dateField: 'AcquisitionDate', timeField: 'AcquisitionTime' }, ctx.localTimeZone)
    : registeredAtEpochMs;
  const label = `${String(ds.ContentLabel ?? '')} ${String(ds.ContentDescription ?? '')}`.toLowerCase();
  const c = correction;
  const message = {
    id: String(ds.SOPInstanceUID ?? ''),
    patientId: String(ds.PatientID ?? ''),
    planId: ctx.planId,
    fraction: ctx.fraction,
    imageSeries: sel.moving,
    acquiredAt: new Date(acquiredAtEpochMs).toISOString(),
    registeredAt: new Date(registeredAtEpochMs).toISOString(),
    method: label.includes('soft') ? 'soft-tissue' : label.includes('fiducial') ? 'fiducial' : 'bony',
    roiName: String(ds.ContentLabel ?? 'REG'),
    correction: { lateral: c.lateralMm, longitudinal: c.longitudinalMm, vertical: c.verticalMm, pitch: c.pitchDeg, roll: c.rollDeg, yaw: c.yawDeg },
    units: { translation: 'mm', rotation: 'deg' },
    // patient coordinates ride on the table top: the correction is in table-top axes at any couch yaw
    frame: 'tableTop',
    quality: 1,
    source: 'dicom-reg',
  };
  return { correction, frames: { registered: sel.registered, moving: sel.moving, plan: sel.plan }, acquiredAtEpochMs, registeredAtEpochMs, message };
}

/** The message only (the drop folder's use). */
export function spatialRegistrationToMessage(ds: Dataset, ctx: DicomRegistrationContext): Record<string, unknown> {
  return readSpatialRegistration(ds, ctx).message;
}
