/**
 * A naturalized data set → Part-10 bytes (PS3.10 7.1): 128-byte preamble,
 * "DICM", File Meta Information, then the data set in explicit VR little
 * endian (1.2.840.10008.1.2.1). Written with dcmjs; pure (no I/O).
 */
import dcmjs from 'dcmjs';
import type { Dataset } from './treatment-record.js';

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Implementation Class UID of the bridge's writer: a fixed UUID-derived UID (PS3.5 B.2; UUID dd55f798-2ea1-4bc0-9a29-97d4c62d4c2f). */
export const IMPLEMENTATION_CLASS_UID = '2.25.294205754113725977630049964429780274223';
export const IMPLEMENTATION_VERSION = 'LINACBRIDGE_01';

export function part10Bytes(ds: Dataset): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds.SOPClassUID,
    MediaStorageSOPInstanceUID: ds.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION,
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  return new Uint8Array(dict.write() as ArrayBuffer);
}
