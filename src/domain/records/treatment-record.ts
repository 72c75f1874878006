/**
 * The RT Beams Treatment Record of one fraction (PS3.3 A.29, SOP Class
 * 1.2.840.10008.5.1.4.1.1.481.4) as a naturalized dcmjs data set. Pure: UIDs,
 * times and every delivered value come in through TreatmentRecordInput.
 * Modules filled and the source of every attribute: docs/treatment-record.md.
 *
 *   Patient, General Study, RT Series, General Equipment, SOP Common
 *   RT General Treatment Record   (Referenced RT Plan: the DICOM plan's SOP Instance UID)
 *   RT Treatment Machine Record   (Treatment Machine Sequence)
 *   RT Beams Session Record       (per beam: delivered meterset, termination, control point delivery)
 */
import type { RtBeam } from '../plan/rt-plan.js';
import { controlPointDeliveries } from './control-point-delivery.js';
import { dicomDateTime, UTC_OFFSET } from './dicom-datetime.js';
import { RT_BEAMS_TREATMENT_RECORD_SOP_CLASS, type DeliveredBeam, type TreatmentRecordInput } from './record-input.js';

export type Dataset = Record<string, unknown>;

/** RT Plan Storage (PS3.4 B.5): the class of the referenced plan. */
const RT_PLAN_STORAGE = '1.2.840.10008.5.1.4.1.1.481.5';
const r3 = (v: number): number => Math.round(v * 1000) / 1000;
/** SH/LO values are cut to their maximum length (PS3.5 6.2). */
const cut = (s: string, n: number): string => s.slice(0, n);

export function treatmentRecordDataset(r: TreatmentRecordInput): Dataset {
  const created = dicomDateTime(r.createdAtIso, 'createdAtIso');
  const started = dicomDateTime(r.startedAtIso, 'startedAtIso');
  const plan = r.plan;
  const referencedPlan = r.planForm === 'dicom' && plan.sopInstanceUid
    ? [{ ReferencedSOPClassUID: RT_PLAN_STORAGE, ReferencedSOPInstanceUID: plan.sopInstanceUid }]
    : [];
  return {
    // SOP Common (C.12.1)
    SOPClassUID: RT_BEAMS_TREATMENT_RECORD_SOP_CLASS,
    SOPInstanceUID: r.uids.sopInstance,
    SpecificCharacterSet: 'ISO_IR 192',
    InstanceCreationDate: created.date,
    InstanceCreationTime: created.time,
    TimezoneOffsetFromUTC: UTC_OFFSET,
    // Patient (C.7.1.1)
    PatientName: plan.patientName || plan.patientId,
    PatientID: cut(plan.patientId, 64),
    PatientBirthDate: '',
    PatientSex: '',
    // General Study (C.7.2.1): the bridge does not know the plan's study; the record opens its own
    StudyInstanceUID: r.uids.study,
    StudyDate: started.date,
    StudyTime: started.time,
    ReferringPhysicianName: '',
    StudyID: cut(plan.planLabel, 16),
    AccessionNumber: '',
    // RT Series (C.8.8.1)
    Modality: 'RTRECORD',
    SeriesInstanceUID: r.uids.series,
    SeriesNumber: 1,
    OperatorsName: r.operator,
    // General Equipment (C.7.5.1)
    Manufacturer: cut(r.manufacturer, 64),
    // RT General Treatment Record (C.8.8.17)
    InstanceNumber: r.fraction,
    TreatmentDate: started.date,
    TreatmentTime: started.time,
    ReferencedRTPlanSequence: referencedPlan,
    // RT Treatment Machine Record (C.8.8.18)
    TreatmentMachineSequence: [{ TreatmentMachineName: cut(r.machineName, 16), Manufacturer: cut(r.manufacturer, 64), InstitutionName: '', ManufacturerModelName: '', DeviceSerialNumber: '' }],
    // RT Beams Session Record (C.8.8.21)
    ReferencedFractionGroupNumber: 1,
    NumberOfFractionsPlanned: plan.fractionsPlanned ?? '',
    PrimaryDosimeterUnit: 'MU',
    TreatmentSessionBeamSequence: r.beams.flatMap((d) => {
      const beam = plan.beams.find((b) => b.number === d.number);
      return beam ? [sessionBeam(beam, d, r)] : [];
    }),
  };
}

function sessionBeam(beam: RtBeam, d: DeliveredBeam, r: TreatmentRecordInput): Dataset {
  const cps = controlPointDeliveries(beam, d, r.endedAtIso);
  const mu1 = d.segments.reduce((s, x) => s + x.mu1, 0);
  const mu2 = d.segments.reduce((s, x) => s + x.mu2, 0);
  const devices = [
    ...(beam.controlPoints[0]?.jaws.xMm ? [{ RTBeamLimitingDeviceType: 'ASYMX', NumberOfLeafJawPairs: 1 }] : []),
    ...(beam.controlPoints[0]?.jaws.yMm ? [{ RTBeamLimitingDeviceType: 'ASYMY', NumberOfLeafJawPairs: 1 }] : []),
    ...(beam.mlc ? [{ RTBeamLimitingDeviceType: beam.mlc.axis, NumberOfLeafJawPairs: beam.mlc.pairs }] : []),
  ];
  return {
    ReferencedBeamNumber: beam.number,
    BeamName: cut(beam.name, 64),
    BeamType: beam.beamType,
    RadiationType: beam.energy.radiationType,
    TreatmentDeliveryType: 'TREATMENT',
    NumberOfWedges: 0,
    NumberOfCompensators: 0,
    NumberOfBoli: 0,
    NumberOfBlocks: 0,
    BeamLimitingDeviceLeafPairsSequence: devices,
    CurrentFractionNumber: r.fraction,
    TreatmentTerminationStatus: d.termination.status,
    TreatmentTerminationCode: cut(d.termination.code, 16),
    ...(d.termination.reason ? { TreatmentTerminationDescription: d.termination.reason } : {}),
    // type 2, empty: no record-and-verify system checked the delivery
    TreatmentVerificationStatus: '',
    SpecifiedPrimaryMeterset: r3(beam.metersetMu),
    SpecifiedSecondaryMeterset: r3(beam.metersetMu),
    DeliveredPrimaryMeterset: r3(mu1),
    DeliveredSecondaryMeterset: r3(mu2),
    NumberOfControlPoints: cps.length,
    ControlPointDeliverySequence: cps,
  };
}
