/**
 * Writes a DICOM Spatial Registration object with dcmjs (test data made here, not copied). Not an
 * independent reference: the dcmtk fixtures in test/fixtures/dicom-reg are. Default frames: the
 * registered frame (and plan frame) 1.2.3.100 with an identity item, the moving frame 1.2.3.200.
 */
import dcmjs from 'dcmjs';

export const PLAN_FRAME = '1.2.3.100';
export const MOVING_FRAME = '1.2.3.200';

export interface SroItem {
  readonly frame?: string;
  readonly matrix: number[];
  readonly type?: string;
}

export function spatialRegistrationBytes(o: { sopInstanceUid: string; patientId: string; matrix: number[]; type?: string; contentDate?: string; contentTime?: string; registeredFrame?: string; items?: SroItem[] }): Buffer {
  const { DicomMetaDictionary, DicomDict } = dcmjs.data;
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const ds = {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.66.1', SOPInstanceUID: o.sopInstanceUid, Modality: 'REG', PatientID: o.patientId, PatientName: 'Phantom^Test',
    SeriesInstanceUID: `${o.sopInstanceUid}.1`, ContentLabel: 'CBCT_REG', ContentDescription: 'bony match',
    ContentDate: o.contentDate ?? `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`,
    ContentTime: o.contentTime ?? `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`,
    TimezoneOffsetFromUTC: '+0000',
    FrameOfReferenceUID: o.registeredFrame ?? PLAN_FRAME,
    RegistrationSequence: (o.items ?? [{ frame: PLAN_FRAME, matrix: identity }, { frame: MOVING_FRAME, matrix: o.matrix, type: o.type }]).map((it) => ({
      ...(it.frame ? { FrameOfReferenceUID: it.frame } : {}),
      MatrixRegistrationSequence: [{ MatrixSequence: [{ FrameOfReferenceTransformationMatrixType: it.type ?? 'RIGID', FrameOfReferenceTransformationMatrix: it.matrix }] }],
    })),
  };
  const meta = { FileMetaInformationVersion: new Uint8Array([0, 1]).buffer, MediaStorageSOPClassUID: ds.SOPClassUID, MediaStorageSOPInstanceUID: ds.SOPInstanceUID, TransferSyntaxUID: '1.2.840.10008.1.2.1', ImplementationClassUID: '1.2.826.0.1.3680043.9.7433' };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  return Buffer.from(dict.write());
}

/** 4×4 row-major rigid matrix: rotation about LPS x by `deg`, then translation t. */
export function rigidAboutX(deg: number, t: [number, number, number]): number[] {
  const c = Math.cos((deg * Math.PI) / 180);
  const s = Math.sin((deg * Math.PI) / 180);
  return [1, 0, 0, t[0], 0, c, -s, t[1], 0, s, c, t[2], 0, 0, 0, 1];
}

/** 4×4 row-major rigid matrix: rotation `r` (3×3) about the point `about`, then translation t. */
export function rigidAbout(r: number[][], about: [number, number, number], t: [number, number, number]): number[] {
  const ra = [0, 1, 2].map((i) => r[i][0] * about[0] + r[i][1] * about[1] + r[i][2] * about[2]);
  const tt = [0, 1, 2].map((i) => about[i] - ra[i] + t[i]);
  return [r[0][0], r[0][1], r[0][2], tt[0], r[1][0], r[1][1], r[1][2], tt[1], r[2][0], r[2][1], r[2][2], tt[2], 0, 0, 0, 1];
}
