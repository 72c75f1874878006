/**
 * The Control Point Sequence (300A,0111) of one beam → fully specified control
 * points. DICOM leaves a value out of a control point when it has not changed
 * since the previous one (PS3.3 C.8.8.14, Control Point Sequence: attributes that change are
 * present, the first control point holds them all); here each value is
 * carried forward, so every control point states the whole machine set-up.
 */
import type { ControlPoint, JawPositions, LeafPositions, RotationDirection } from '../rt-plan.js';
import type { Dataset } from './dicom-dataset.js';
import { dicomError, numbers, optNumber, optString, reqNumber, seq } from './dicom-values.js';

interface CarriedState {
  gantryDeg?: number;
  gantryRotation: RotationDirection;
  collimatorDeg?: number;
  collimatorRotation: RotationDirection;
  couchDeg?: number;
  couchRotation: RotationDirection;
  xMm?: readonly [number, number];
  yMm?: readonly [number, number];
  leaves?: LeafPositions;
  doseRateMuPerMin?: number;
}

const rotation = (cp: Dataset, key: string, at: string, prev: RotationDirection): RotationDirection => {
  const v = optString(cp, key);
  if (v === undefined) return prev;
  if (v !== 'CW' && v !== 'CC' && v !== 'NONE') throw dicomError(`${at}.${key}`, 'not a rotation direction', { actual: v, limit: 'CW | CC | NONE' });
  return v;
};

/** `mlcPairs`: leaf pairs of the beam's MLC (undefined: no MLC); `mlcAxis` its device type. */
export function importControlPoints(beam: Dataset, at: string, finalWeight: number, mlcAxis: string | undefined, mlcPairs: number | undefined): ControlPoint[] {
  const items = seq(beam, 'ControlPointSequence');
  const declared = optNumber(beam, 'NumberOfControlPoints', at);
  if (items.length < 2) throw dicomError(`${at}.ControlPointSequence`, 'a beam needs at least two control points', { actual: items.length, limit: '>= 2' });
  if (declared !== undefined && declared !== items.length) throw dicomError(`${at}.NumberOfControlPoints`, 'does not match the Control Point Sequence (truncated file?)', { actual: items.length, limit: declared });
  const s: CarriedState = { gantryRotation: 'NONE', collimatorRotation: 'NONE', couchRotation: 'NONE' };
  return items.map((cp, k) => {
    const cat = `${at}.ControlPointSequence[${k}]`;
    const index = reqNumber(cp, 'ControlPointIndex', cat);
    if (index !== k) throw dicomError(`${cat}.ControlPointIndex`, 'control points must be numbered 0, 1, 2 … in order', { actual: index, limit: k });
    s.gantryDeg = optNumber(cp, 'GantryAngle', cat) ?? s.gantryDeg;
    s.gantryRotation = rotation(cp, 'GantryRotationDirection', cat, s.gantryRotation);
    s.collimatorDeg = optNumber(cp, 'BeamLimitingDeviceAngle', cat) ?? s.collimatorDeg;
    s.collimatorRotation = rotation(cp, 'BeamLimitingDeviceRotationDirection', cat, s.collimatorRotation);
    s.couchDeg = optNumber(cp, 'PatientSupportAngle', cat) ?? s.couchDeg;
    s.couchRotation = rotation(cp, 'PatientSupportRotationDirection', cat, s.couchRotation);
    for (const [key, v] of [['GantryAngle', s.gantryDeg], ['BeamLimitingDeviceAngle', s.collimatorDeg], ['PatientSupportAngle', s.couchDeg]] as const) {
      if (v !== undefined && !(v >= 0 && v < 360)) throw dicomError(`${cat}.${key}`, 'angle outside [0, 360) (PS3.3 C.8.8.14)', { actual: v, limit: '0 <= angle < 360', unit: 'deg' });
    }
    const rate = optNumber(cp, 'DoseRateSet', cat);
    if (rate !== undefined && rate < 0) throw dicomError(`${cat}.DoseRateSet`, 'negative dose rate', { actual: rate, limit: '>= 0 (0: none)', unit: 'MU/min' });
    if (rate !== undefined) s.doseRateMuPerMin = rate > 0 ? rate : undefined;
    readDevices(cp, cat, s, mlcAxis, mlcPairs);
    if (k === 0) requireFirst(s, cat, mlcPairs);
    const weight = reqNumber(cp, 'CumulativeMetersetWeight', cat);
    const jaws: JawPositions = { ...(s.xMm ? { xMm: s.xMm } : {}), ...(s.yMm ? { yMm: s.yMm } : {}) };
    return {
      index: k,
      cumulativeWeight: weight / finalWeight,
      gantryDeg: s.gantryDeg as number,
      gantryRotation: s.gantryRotation,
      collimatorDeg: s.collimatorDeg as number,
      collimatorRotation: s.collimatorRotation,
      couchDeg: s.couchDeg as number,
      couchRotation: s.couchRotation,
      jaws,
      ...(s.leaves ? { leaves: s.leaves } : {}),
      ...(s.doseRateMuPerMin !== undefined ? { doseRateMuPerMin: s.doseRateMuPerMin } : {}),
    };
  });
}

function requireFirst(s: CarriedState, at: string, mlcPairs: number | undefined): void {
  if (s.gantryDeg === undefined) throw dicomError(`${at}.GantryAngle`, 'missing in the first control point');
  if (s.collimatorDeg === undefined) throw dicomError(`${at}.BeamLimitingDeviceAngle`, 'missing in the first control point');
  if (s.couchDeg === undefined) throw dicomError(`${at}.PatientSupportAngle`, 'missing in the first control point');
  if (mlcPairs !== undefined && !s.leaves) throw dicomError(`${at}.BeamLimitingDevicePositionSequence`, 'the first control point must position the MLC');
}

function readDevices(cp: Dataset, at: string, s: CarriedState, mlcAxis: string | undefined, mlcPairs: number | undefined): void {
  seq(cp, 'BeamLimitingDevicePositionSequence').forEach((d, i) => {
    const dat = `${at}.BeamLimitingDevicePositionSequence[${i}]`;
    const type = optString(d, 'RTBeamLimitingDeviceType');
    const pos = numbers(d, 'LeafJawPositions', dat);
    if (type === 'X' || type === 'ASYMX' || type === 'Y' || type === 'ASYMY') {
      if (pos.length !== 2) throw dicomError(`${dat}.LeafJawPositions`, `${type} needs two positions`, { actual: pos.length, limit: 2 });
      if (type.endsWith('X')) s.xMm = [pos[0], pos[1]];
      else s.yMm = [pos[0], pos[1]];
    } else if (type !== undefined && type === mlcAxis && mlcPairs !== undefined) {
      if (pos.length !== 2 * mlcPairs) throw dicomError(`${dat}.LeafJawPositions`, 'two positions per leaf pair expected', { actual: pos.length, limit: 2 * mlcPairs });
      // PS3.3 C.8.8.14, Leaf/Jaw Positions (300A,011C): the N leaves of the negative side (X1, bank B) first, then the positive side
      s.leaves = { bankBMm: pos.slice(0, mlcPairs), bankAMm: pos.slice(mlcPairs) };
    } else {
      throw dicomError(`${dat}.RTBeamLimitingDeviceType`, 'not a device of this beam', { actual: type ?? '(missing)', limit: ['X', 'Y', 'ASYMX', 'ASYMY', mlcAxis].filter(Boolean).join(' | ') });
    }
  });
}
