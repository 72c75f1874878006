import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { readSpatialRegistration, type DicomRegistrationContext } from '../../src/domain/registration/spatial-registration.js';
import { MOVING_FRAME, PLAN_FRAME, rigidAbout, rigidAboutX, spatialRegistrationBytes, type SroItem } from '../helpers/dicom-sro.js';

// an isocentre far from the DICOM origin, as in a real CT (z of a pelvis ≈ −400 mm)
const ISO: [number, number, number] = [35.2, 48.7, -412.5];
const ctx: DicomRegistrationContext = { planId: 'PLAN', fraction: 2, localTimeZone: 'UTC', geometry: { frameOfReferenceUid: PLAN_FRAME, isocenterLpsMm: ISO, patientPosition: 'HFS' } };
const I4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
const rz = (deg: number) => {
  const c = Math.cos((deg * Math.PI) / 180);
  const s = Math.sin((deg * Math.PI) / 180);
  return [[c, -s, 0], [s, c, 0], [0, 0, 1]];
};
const rx = (deg: number) => {
  const c = Math.cos((deg * Math.PI) / 180);
  const s = Math.sin((deg * Math.PI) / 180);
  return [[1, 0, 0], [0, c, -s], [0, s, c]];
};
function dataset(o: { matrix?: number[]; type?: string; items?: SroItem[]; registeredFrame?: string }): Record<string, unknown> {
  const b = spatialRegistrationBytes({ sopInstanceUid: '1.2.3.4.5', patientId: 'P1', matrix: o.matrix ?? I4, type: o.type, items: o.items, registeredFrame: o.registeredFrame });
  const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
  return DicomMetaDictionary.naturalizeDataset(DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)).dict);
}
const correction = (o: Parameters<typeof dataset>[0], c: DicomRegistrationContext = ctx) => readSpatialRegistration(dataset(o), c).correction;

describe('DICOM Spatial Registration to a couch correction about the plan isocentre', () => {
  it('a 2° rotation about LPS x through an off-origin isocentre is a 2° pitch with no translation (not ≈ 15 mm)', () => {
    const c = correction({ matrix: rigidAbout(rx(2), ISO, [0, 0, 0]) });
    expect(c.pitchDeg).toBeCloseTo(2, 9);
    for (const v of [c.lateralMm, c.longitudinalMm, c.verticalMm, c.rollDeg, c.yawDeg]) expect(Math.abs(v)).toBeLessThan(1e-9);
  });

  it('a pure 1° rotation about the vertical through the isocentre is a yaw with no lateral shift (not 6 mm)', () => {
    // LPS y is posterior = −Z_t for HFS: +1° about y is −1° yaw
    const ry1 = [[Math.cos(Math.PI / 180), 0, Math.sin(Math.PI / 180)], [0, 1, 0], [-Math.sin(Math.PI / 180), 0, Math.cos(Math.PI / 180)]];
    const c = correction({ matrix: rigidAbout(ry1, ISO, [0, 0, 0]) });
    expect(c.yawDeg).toBeCloseTo(-1, 9);
    expect(Math.abs(c.lateralMm)).toBeLessThan(1e-9);
  });

  it('uses the matrix in its DICOM sense (moving frame → registered frame): a 5 mm setup error is a 5 mm correction, not 10 mm or −5 mm', () => {
    // the CBCT sees the patient 5 mm to the right of the plan (LPS −x): CBCT x maps to plan x + 5
    const c = correction({ matrix: rigidAboutX(0, [5, 0, 0]) });
    expect(c.lateralMm).toBeCloseTo(5, 9);
  });

  it('selects items by Frame of Reference UID, not by position: the moving item listed first gives the same correction', () => {
    const m = rigidAbout(rz(1), ISO, [1, 2, 3]);
    const a = correction({ items: [{ frame: PLAN_FRAME, matrix: I4 }, { frame: MOVING_FRAME, matrix: m }] });
    const b = correction({ items: [{ frame: MOVING_FRAME, matrix: m }, { frame: PLAN_FRAME, matrix: I4 }] });
    expect(b).toEqual(a);
  });

  it('composes through the registered frame when it is neither the plan\'s nor the moving one', () => {
    const mul4 = (a: number[], b: number[]) => [0, 1, 2, 3].flatMap((i) => [0, 1, 2, 3].map((j) => [0, 1, 2, 3].reduce((s, k) => s + a[4 * i + k] * b[4 * k + j], 0)));
    const movingToPlan = rigidAbout(rx(1), ISO, [1, 2, 3]);
    const planToThird = rigidAbout(rz(3), [0, 0, 0], [10, -20, 30]);
    const direct = correction({ matrix: movingToPlan });
    const composed = correction({ registeredFrame: '1.2.3.300', items: [{ frame: PLAN_FRAME, matrix: planToThird }, { frame: MOVING_FRAME, matrix: mul4(planToThird, movingToPlan) }] });
    for (const k of Object.keys(direct) as Array<keyof typeof direct>) expect(composed[k]).toBeCloseTo(direct[k], 9);
  });

  it('refuses frames that do not include the plan\'s, and more than one moving frame', () => {
    expect(() => correction({ registeredFrame: '9.9', items: [{ frame: '9.9', matrix: I4 }, { frame: MOVING_FRAME, matrix: I4 }] })).toThrowError(expect.objectContaining({ code: 'REG_INVALID', field: 'dicom.FrameOfReferenceUID' }));
    expect(() => correction({ items: [{ frame: PLAN_FRAME, matrix: I4 }, { frame: MOVING_FRAME, matrix: rigidAboutX(0, [1, 0, 0]) }, { frame: '1.2.3.300', matrix: rigidAboutX(0, [50, 0, 0]) }] })).toThrowError(expect.objectContaining({ field: 'dicom.RegistrationSequence' }));
    expect(() => correction({ items: [{ matrix: I4 }, { frame: MOVING_FRAME, matrix: I4 }] })).toThrowError(expect.objectContaining({ field: 'dicom.RegistrationSequence[0].FrameOfReferenceUID' }));
    expect(() => correction({ items: [{ frame: PLAN_FRAME, matrix: rigidAboutX(0, [1, 0, 0]) }, { frame: MOVING_FRAME, matrix: I4 }] })).toThrowError(expect.objectContaining({ field: 'dicom.RegistrationSequence[0].FrameOfReferenceTransformationMatrix' }));
  });

  it('refuses without the plan geometry, a non-rigid matrix type, a non-orthonormal matrix and a reflection, naming the attribute', () => {
    expect(() => correction({ matrix: I4 }, { ...ctx, geometry: undefined })).toThrowError(expect.objectContaining({ field: 'plan.isocenterLpsMm' }));
    expect(() => correction({ matrix: I4, type: 'RIGID_SCALE' })).toThrowError(expect.objectContaining({ field: 'dicom.RegistrationSequence[1].FrameOfReferenceTransformationMatrixType' }));
    const skewed = rigidAboutX(0, [1, 0, 0]);
    skewed[0] = 1.2;
    expect(() => correction({ matrix: skewed })).toThrowError(expect.objectContaining({ field: 'dicom.RegistrationSequence[1].FrameOfReferenceTransformationMatrix' }));
    const mirrored = rigidAboutX(0, [0, 0, 0]);
    mirrored[0] = -1;
    expect(() => correction({ matrix: mirrored })).toThrowError(expect.objectContaining({ field: 'dicom.RegistrationSequence[1].FrameOfReferenceTransformationMatrix' }));
  });

  it('fills the message: the plan\'s id and fraction, the moving frame as the image series, times in UTC', () => {
    const r = readSpatialRegistration(dataset({ matrix: I4 }), ctx);
    expect(r.message).toMatchObject({ id: '1.2.3.4.5', patientId: 'P1', planId: 'PLAN', fraction: 2, imageSeries: MOVING_FRAME, method: 'bony', units: { translation: 'mm', rotation: 'deg' } });
    expect(r.frames).toEqual({ registered: PLAN_FRAME, moving: MOVING_FRAME, plan: PLAN_FRAME });
  });
});
