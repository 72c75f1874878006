/**
 * One Beam Sequence item (300A,00B0) → RtBeam: identity, radiation type and
 * energy (FFF from the Primary Fluence Mode Sequence), the MLC matched to a
 * configured model, accessories, the control points, and the technique judged
 * from what moves (beam-technique.ts).
 */
import type { MlcModel } from '../../../config/mlc-model.js';
import type { Accessory, BeamEnergy, BeamMlc, FluenceMode, RadiationType, RtBeam } from '../rt-plan.js';
import { beamTechnique } from '../beam-technique.js';
import type { Dataset } from './dicom-dataset.js';
import { dicomError, numbers, optNumber, optString, reqNumber, reqString, seq } from './dicom-values.js';
import { importControlPoints } from './import-control-points.js';
import { matchMlcModel } from './mlc-match.js';

const RADIATION_TYPES: readonly RadiationType[] = ['PHOTON', 'ELECTRON', 'PROTON', 'NEUTRON', 'ION'];

export function importBeam(b: Dataset, at: string, metersetMu: number, mlcModels: readonly MlcModel[]): RtBeam {
  const number = reqNumber(b, 'BeamNumber', at);
  const beamType = reqString(b, 'BeamType', at);
  if (beamType !== 'STATIC' && beamType !== 'DYNAMIC') throw dicomError(`${at}.BeamType`, 'unknown beam type', { actual: beamType, limit: 'STATIC | DYNAMIC' });
  const radiationType = reqString(b, 'RadiationType', at) as RadiationType;
  if (!RADIATION_TYPES.includes(radiationType)) throw dicomError(`${at}.RadiationType`, 'unknown radiation type', { actual: radiationType, limit: RADIATION_TYPES.join(' | ') });
  const unit = optString(b, 'PrimaryDosimeterUnit');
  if (unit !== undefined && unit !== 'MU') throw dicomError(`${at}.PrimaryDosimeterUnit`, 'only MU is delivered', { actual: unit, limit: 'MU' });
  const finalWeight = optNumber(b, 'FinalCumulativeMetersetWeight', at) ?? 1;
  if (!(finalWeight > 0)) throw dicomError(`${at}.FinalCumulativeMetersetWeight`, 'must be positive', { actual: finalWeight, limit: '> 0' });
  const mlc = beamMlc(b, at, mlcModels);
  const controlPoints = importControlPoints(b, at, finalWeight, mlc?.axis, mlc?.pairs);
  const cp0 = seq(b, 'ControlPointSequence')[0];
  const energy: BeamEnergy = { radiationType, nominal: reqNumber(cp0, 'NominalBeamEnergy', `${at}.ControlPointSequence[0]`), fluenceMode: fluenceMode(b) };
  const tolerance = optNumber(b, 'ReferencedToleranceTableNumber', at);
  return {
    number,
    name: optString(b, 'BeamName') ?? `Beam ${number}`,
    beamType,
    technique: beamTechnique(controlPoints),
    machine: optString(b, 'TreatmentMachineName') ?? '',
    energy,
    metersetMu,
    ...(mlc ? { mlc } : {}),
    controlPoints,
    accessories: accessories(b),
    ...(tolerance !== undefined ? { toleranceTable: tolerance } : {}),
  };
}

function beamMlc(b: Dataset, at: string, models: readonly MlcModel[]): BeamMlc | undefined {
  const devices = seq(b, 'BeamLimitingDeviceSequence');
  const i = devices.findIndex((d) => { const t = optString(d, 'RTBeamLimitingDeviceType'); return t === 'MLCX' || t === 'MLCY'; });
  if (i < 0) return undefined;
  const dat = `${at}.BeamLimitingDeviceSequence[${i}]`;
  const pairs = reqNumber(devices[i], 'NumberOfLeafJawPairs', dat);
  const boundariesMm = numbers(devices[i], 'LeafPositionBoundaries', dat);
  const model = matchMlcModel(pairs, boundariesMm, models, dat);
  return { model: model.id, axis: optString(devices[i], 'RTBeamLimitingDeviceType') as 'MLCX' | 'MLCY', pairs, boundariesMm };
}

/** Primary Fluence Mode Sequence (3002,0050): NON_STANDARD with Fluence Mode ID FFF or SRS (PS3.3 C.8.8.14, RT Beams Module). */
function fluenceMode(b: Dataset): FluenceMode {
  const item = seq(b, 'PrimaryFluenceModeSequence')[0];
  if (!item || optString(item, 'FluenceMode') !== 'NON_STANDARD') return 'STANDARD';
  const id = optString(item, 'FluenceModeID');
  return id === 'SRS' ? 'SRS' : 'FFF';
}

function accessories(b: Dataset): Accessory[] {
  const out: Accessory[] = [];
  for (const w of seq(b, 'WedgeSequence')) {
    const angle = optNumber(w, 'WedgeAngle', 'WedgeSequence');
    out.push({ kind: 'WEDGE', id: optString(w, 'WedgeID') ?? String(optNumber(w, 'WedgeNumber', 'WedgeSequence') ?? ''), ...(angle !== undefined ? { angleDeg: angle } : {}) });
  }
  for (const a of seq(b, 'ApplicatorSequence')) out.push({ kind: 'APPLICATOR', id: optString(a, 'ApplicatorID') ?? '' });
  for (const k of seq(b, 'BlockSequence')) out.push({ kind: 'BLOCK', id: optString(k, 'BlockName') ?? String(optNumber(k, 'BlockNumber', 'BlockSequence') ?? '') });
  for (const c of seq(b, 'CompensatorSequence')) out.push({ kind: 'COMPENSATOR', id: optString(c, 'CompensatorID') ?? '' });
  for (const c of seq(b, 'ReferencedBolusSequence')) out.push({ kind: 'BOLUS', id: String(optString(c, 'ReferencedROINumber') ?? '') });
  return out;
}
