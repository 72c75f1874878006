import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { spatialRegistrationToMessage } from '../../src/domain/registration/spatial-registration.js';
import { rigidAboutX, spatialRegistrationBytes } from '../helpers/dicom-sro.js';

const binding = { planId: 'PLAN', fraction: 2, patientPosition: 'HFS', matrixSense: 'patient-correction' as const };
function dataset(matrix: number[], type?: string): Record<string, unknown> {
  const b = spatialRegistrationBytes({ sopInstanceUid: '1.2.3.4.5', patientId: 'P1', matrix, type });
  const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
  return DicomMetaDictionary.naturalizeDataset(DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)).dict);
}

describe('DICOM Spatial Registration to a correction (head-first supine)', () => {
  it('maps LPS translation to IEC table-top axes: X = x, Y = z, Z = −y', () => {
    // LPS (1.5 left, −2.25 posterior = 2.25 anterior, 3.125 superior) → IEC (1.5, 3.125, 2.25)
    const m = spatialRegistrationToMessage(dataset(rigidAboutX(0, [1.5, -2.25, 3.125])), binding);
    expect(m.correction).toMatchObject({ lateral: 1.5, longitudinal: 3.125, vertical: 2.25 });
    expect(m).toMatchObject({ id: '1.2.3.4.5', patientId: 'P1', planId: 'PLAN', fraction: 2, method: 'bony', units: { translation: 'mm', rotation: 'deg' } });
  });

  it('maps a rotation about the patient left–right axis to pitch with the same sign', () => {
    // Rx(θ) takes +y_lps toward +z_lps, i.e. −Z_iec toward +Y_iec, i.e. +Y_iec toward +Z_iec: positive pitch
    const c = spatialRegistrationToMessage(dataset(rigidAboutX(2, [0, 0, 0])), binding).correction as Record<string, number>;
    expect(c.pitch).toBeCloseTo(2, 9);
    expect(c.roll).toBeCloseTo(0, 9);
    expect(c.yaw).toBeCloseTo(0, 9);
  });

  it('inverts the matrix when it maps the image onto the reference', () => {
    const c = spatialRegistrationToMessage(dataset(rigidAboutX(0, [1, 2, 3])), { ...binding, matrixSense: 'image-to-reference' }).correction as Record<string, number>;
    expect([c.lateral, c.longitudinal, c.vertical]).toEqual([-1, -3, 2]);
  });

  it('refuses a non-rigid matrix type, a non-orthonormal matrix, and other patient positions, naming the attribute', () => {
    expect(() => spatialRegistrationToMessage(dataset(rigidAboutX(0, [0, 0, 0]).map((v, i) => (i === 3 ? 1 : v)), 'RIGID_SCALE'), binding)).toThrowError(expect.objectContaining({ field: 'dicom.FrameOfReferenceTransformationMatrixType' }));
    const skewed = rigidAboutX(0, [1, 0, 0]);
    skewed[0] = 1.2;
    expect(() => spatialRegistrationToMessage(dataset(skewed), binding)).toThrowError(expect.objectContaining({ field: 'dicom.FrameOfReferenceTransformationMatrix' }));
    expect(() => spatialRegistrationToMessage(dataset(rigidAboutX(0, [1, 0, 0])), { ...binding, patientPosition: 'FFS' })).toThrowError(expect.objectContaining({ field: 'dicom.PatientPosition' }));
  });
});
