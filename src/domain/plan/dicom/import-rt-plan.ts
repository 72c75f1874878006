/**
 * A DICOM RT Plan (RT Plan Storage, PS3.3 A.20) → RtPlan. Reads identity
 * (Patient ID, name, RT Plan Label, SOP Instance UID), the first fraction
 * group (Number of Fractions Planned; Beam Meterset of each Referenced Beam),
 * tolerance tables, patient setup (Patient Position), the frame of reference
 * and every TREATMENT beam (SETUP beams carry no meterset and are skipped).
 * Refused, naming the attribute: another SOP class, a missing required
 * attribute, a treatment beam without a meterset, a tolerance table reference
 * to no table, an MLC no configured model matches. Optional sequences may be absent. Checks against the machine come
 * after, in plan-checks.ts.
 */
import type { MlcModel } from '../../../config/mlc-model.js';
import { isPatientPosition, type PatientPosition } from '../../registration/patient-position.js';
import type { RtBeam, RtPlan, ToleranceTable } from '../rt-plan.js';
import { readDicomBytes, type Dataset } from './dicom-dataset.js';
import { dicomError, numbers, optNumber, optString, reqNumber, reqString, seq } from './dicom-values.js';
import { importBeam } from './import-beam.js';

export const RT_PLAN_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.481.5';

/** `mlcModels`: every configured MLC model (config/mlc/*.json); the file's MLC must match one. */
export function importRtPlan(ds: Dataset, mlcModels: readonly MlcModel[]): RtPlan {
  const sop = optString(ds, 'SOPClassUID');
  if (sop !== RT_PLAN_SOP_CLASS) throw dicomError('SOPClassUID', 'not an RT Plan', { actual: sop ?? '(missing)', limit: RT_PLAN_SOP_CLASS });
  const beamsDs = seq(ds, 'BeamSequence');
  if (beamsDs.length === 0) throw dicomError('BeamSequence', 'missing or empty (no external beams in this plan)');
  const meterset = fractionMeterset(ds);
  const beams: RtBeam[] = [];
  beamsDs.forEach((b, i) => {
    const at = `BeamSequence[${i}]`;
    if ((optString(b, 'TreatmentDeliveryType') ?? 'TREATMENT') !== 'TREATMENT') return;
    const number = reqNumber(b, 'BeamNumber', at);
    const mu = meterset.perBeam.get(number);
    if (mu === undefined) throw dicomError(`FractionGroupSequence[0].ReferencedBeamSequence`, `no Beam Meterset for beam ${number}`, { actual: number });
    if (beams.some((x) => x.number === number)) throw dicomError(`${at}.BeamNumber`, 'duplicate beam number', { actual: number });
    beams.push(importBeam(b, at, mu, mlcModels));
  });
  if (beams.length === 0) throw dicomError('BeamSequence', 'no TREATMENT beam');
  const numbersInPlan = beamsDs.map((b, i) => optNumber(b, 'BeamNumber', `BeamSequence[${i}]`));
  for (const n of meterset.perBeam.keys()) {
    // a fraction that names a beam the plan does not hold is not the plan that was approved
    if (!numbersInPlan.includes(n)) throw dicomError('FractionGroupSequence[0].ReferencedBeamSequence', `references beam ${n}, which is not in the Beam Sequence`, { actual: n, limit: numbersInPlan.join(' | ') });
  }
  const tables = toleranceTables(ds);
  beams.forEach((b) => {
    if (b.toleranceTable !== undefined && !tables.some((t) => t.number === b.toleranceTable)) {
      const i = beamsDs.findIndex((x) => optNumber(x, 'BeamNumber', 'BeamSequence') === b.number);
      throw dicomError(`BeamSequence[${i}].ReferencedToleranceTableNumber`, 'names no table of the Tolerance Table Sequence', { actual: b.toleranceTable, limit: tables.map((t) => t.number).join(' | ') || 'none in the plan' });
    }
  });
  const iso = isocenter(beamsDs);
  const position = patientPosition(ds, beamsDs[0]);
  const frame = optString(ds, 'FrameOfReferenceUID');
  const sopInstanceUid = optString(ds, 'SOPInstanceUID');
  return {
    patientId: reqString(ds, 'PatientID', ''),
    patientName: optString(ds, 'PatientName') ?? '',
    planLabel: reqString(ds, 'RTPlanLabel', ''),
    ...(sopInstanceUid ? { sopInstanceUid } : {}),
    ...(meterset.fractions !== undefined ? { fractionsPlanned: meterset.fractions } : {}),
    ...(position ? { patientPosition: position } : {}),
    ...(frame ? { frameOfReferenceUid: frame } : {}),
    ...(iso ? { isocenterLpsMm: iso } : {}),
    toleranceTables: tables,
    beams,
  };
}

/** Reads and imports DICOM bytes (Part-10 or a bare data set). */
export function importRtPlanBytes(bytes: Uint8Array, mlcModels: readonly MlcModel[], field = 'dicom'): RtPlan {
  return importRtPlan(readDicomBytes(bytes, field), mlcModels);
}

function fractionMeterset(ds: Dataset): { perBeam: Map<number, number>; fractions?: number } {
  const fg = seq(ds, 'FractionGroupSequence')[0];
  if (!fg) throw dicomError('FractionGroupSequence', 'missing: the beam metersets are in the fraction group');
  const perBeam = new Map<number, number>();
  seq(fg, 'ReferencedBeamSequence').forEach((r, i) => {
    const at = `FractionGroupSequence[0].ReferencedBeamSequence[${i}]`;
    const mu = optNumber(r, 'BeamMeterset', at);
    if (mu !== undefined) perBeam.set(reqNumber(r, 'ReferencedBeamNumber', at), mu);
  });
  const fractions = optNumber(fg, 'NumberOfFractionsPlanned', 'FractionGroupSequence[0]');
  // PS3.3 C.8.8.13: the number of fractions this group prescribes; none or fewer is no prescription
  if (fractions !== undefined && !(Number.isInteger(fractions) && fractions >= 1)) throw dicomError('FractionGroupSequence[0].NumberOfFractionsPlanned', 'not a positive number of fractions', { actual: fractions, limit: '>= 1' });
  return { perBeam, fractions };
}

/**
 * The first beam's first control point isocentre (x, y, z). An Isocenter Position
 * (300A,012C) anywhere in the plan with other than 3 values is refused, not dropped.
 */
function isocenter(beamsDs: readonly Dataset[]): readonly [number, number, number] | undefined {
  beamsDs.forEach((b, i) =>
    seq(b, 'ControlPointSequence').forEach((cp, k) => {
      const at = `BeamSequence[${i}].ControlPointSequence[${k}]`;
      const v = numbers(cp, 'IsocenterPosition', at);
      if (v.length !== 0 && v.length !== 3) throw dicomError(`${at}.IsocenterPosition`, 'not 3 values (x, y, z)', { actual: v.length, limit: 3 });
    }),
  );
  const iso = numbers(seq(beamsDs[0], 'ControlPointSequence')[0] ?? {}, 'IsocenterPosition', 'BeamSequence[0].ControlPointSequence[0]');
  return iso.length === 3 ? [iso[0], iso[1], iso[2]] : undefined;
}

function patientPosition(ds: Dataset, beam: Dataset): PatientPosition | undefined {
  const setups = seq(ds, 'PatientSetupSequence');
  const ref = optNumber(beam, 'ReferencedPatientSetupNumber', 'BeamSequence[0]');
  const setup = setups.find((s) => optNumber(s, 'PatientSetupNumber', 'PatientSetupSequence') === ref) ?? setups[0];
  const p = setup ? optString(setup, 'PatientPosition') : undefined;
  if (p === undefined) return undefined;
  if (!isPatientPosition(p)) throw dicomError('PatientSetupSequence[0].PatientPosition', 'not a supported patient position', { actual: p });
  return p;
}

function toleranceTables(ds: Dataset): ToleranceTable[] {
  return seq(ds, 'ToleranceTableSequence').map((t, i) => {
    const at = `ToleranceTableSequence[${i}]`;
    const deviceMm: Record<string, number> = {};
    for (const d of seq(t, 'BeamLimitingDeviceToleranceSequence')) {
      const type = optString(d, 'RTBeamLimitingDeviceType');
      const mm = optNumber(d, 'BeamLimitingDevicePositionTolerance', `${at}.BeamLimitingDeviceToleranceSequence`);
      if (type && mm !== undefined) deviceMm[type] = mm;
    }
    const opt = (key: string) => optNumber(t, key, at);
    return {
      number: reqNumber(t, 'ToleranceTableNumber', at),
      label: optString(t, 'ToleranceTableLabel') ?? '',
      gantryDeg: opt('GantryAngleTolerance'),
      collimatorDeg: opt('BeamLimitingDeviceAngleTolerance'),
      couchDeg: opt('PatientSupportAngleTolerance'),
      deviceMm,
      tableTopMm: { vertical: opt('TableTopVerticalPositionTolerance'), longitudinal: opt('TableTopLongitudinalPositionTolerance'), lateral: opt('TableTopLateralPositionTolerance') },
    };
  });
}
