/** Writes a DICOM Spatial Registration object with dcmjs (test data made here, not copied). */
import dcmjs from 'dcmjs';

export function spatialRegistrationBytes(o: { sopInstanceUid: string; patientId: string; matrix: number[]; type?: string; contentDate?: string; contentTime?: string }): Buffer {
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
    RegistrationSequence: [
      { FrameOfReferenceUID: '1.2.3.100', MatrixRegistrationSequence: [{ MatrixSequence: [{ FrameOfReferenceTransformationMatrixType: 'RIGID', FrameOfReferenceTransformationMatrix: identity }] }] },
      { FrameOfReferenceUID: '1.2.3.200', MatrixRegistrationSequence: [{ MatrixSequence: [{ FrameOfReferenceTransformationMatrixType: o.type ?? 'RIGID', FrameOfReferenceTransformationMatrix: o.matrix }] }] },
    ],
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
