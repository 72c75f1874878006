import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAllMlcModels } from '../../../src/config/load-config.js';
import { staticSegments } from '../../../src/domain/plan/beam-segments.js';
import { importRtPlanBytes } from '../../../src/domain/plan/dicom/import-rt-plan.js';
import type { RtPlan } from '../../../src/domain/plan/rt-plan.js';
import { uidFromUuid } from '../../../src/domain/records/dicom-uid.js';
import type { DeliveredBeam, TreatmentRecordInput } from '../../../src/domain/records/record-input.js';
import { part10Bytes } from '../../../src/domain/records/record-part10.js';
import { treatmentRecordDataset } from '../../../src/domain/records/treatment-record.js';
import { dciodvfy, dcmdumpValues } from '../../helpers/dicom3tools.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const planFile = path.join(root, 'test/fixtures/rtplan/derived/agility-2beam-explicit.dcm');
const plan: RtPlan = importRtPlanBytes(fs.readFileSync(planFile), loadAllMlcModels());
const couch = { lateralMm: 2.4, longitudinalMm: -1.8, verticalMm: 1.1, pitchDeg: 0.6, rollDeg: -0.4, yawDeg: -0.8 };
const leaves = (mm: number) => ({ bankAMm: new Array(80).fill(mm), bankBMm: new Array(80).fill(-mm) });
const at = (s: number) => `2026-11-26T10:00:${String(s).padStart(2, '0')}.250Z`;

/** Beam 1 in full; beam 2 (one open segment, 30 MU) stopped by the operator after `partialMu`. */
function input(partialMu: number, o: { staleMlcAtStop?: boolean } = {}): TreatmentRecordInput {
  const [b1, b2] = plan.beams;
  const full: DeliveredBeam = {
    number: b1.number, termination: { status: 'NORMAL', code: 'COMPLETE' },
    segments: staticSegments(b1).map((s, index) => ({ index, mu1: s.mu, mu2: s.mu + 0.01, start: { atIso: at(index * 2), leaves: leaves(20), couch }, end: { atIso: at(index * 2 + 1), leaves: leaves(20), couch } })),
  };
  const cut: DeliveredBeam = {
    number: b2.number, termination: { status: 'OPERATOR', code: 'SIGINT', reason: 'stop requested (SIGINT); beam held' },
    segments: [
      { index: 0, mu1: partialMu, mu2: partialMu + 0.02, start: { atIso: at(32), leaves: leaves(25), couch }, end: { atIso: at(33), ...(o.staleMlcAtStop ? {} : { leaves: leaves(25) }), couch } },
    ],
  };
  return {
    plan, planForm: 'dicom', fraction: 3, operator: 'Doe^Jane', machineName: 'AGILITY1', manufacturer: 'linac-bridge simulators',
    startedAtIso: at(0), endedAtIso: at(40), createdAtIso: at(41),
    uids: { sopInstance: uidFromUuid('0f6c3d3e-5c1a-4a57-9d0f-2a8e1b7c9d11'), study: uidFromUuid('1f6c3d3e-5c1a-4a57-9d0f-2a8e1b7c9d11'), series: uidFromUuid('2f6c3d3e-5c1a-4a57-9d0f-2a8e1b7c9d11') },
    beams: [full, cut],
  };
}

function write(i: TreatmentRecordInput): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-rtrecord-')), 'record.dcm');
  fs.writeFileSync(file, part10Bytes(treatmentRecordDataset(i)));
  return file;
}

describe('the RT Beams Treatment Record data set', () => {
  it('validates with dciodvfy as an RT Beams Treatment Record with no errors', () => {
    const v = dciodvfy(write(input(12.345)));
    expect(v.iods).toContain('RTBeamsTreatmentRecord');
    expect(v.errors, v.output).toEqual([]);
  });

  it('carries the delivered meterset per beam on both channels, the termination of each beam and the plan it delivered, as dcmdump reads them', () => {
    const file = write(input(12.345));
    const [b1, b2] = plan.beams;
    expect(dcmdumpValues(file, '3008,0032').map(Number)).toEqual([b1.metersetMu, b2.metersetMu]);
    expect(dcmdumpValues(file, '3008,0036').map(Number)).toEqual([b1.metersetMu, 12.345]);
    expect(dcmdumpValues(file, '3008,0037').map(Number)).toEqual([b1.metersetMu + 0.01, 12.365]);
    expect(dcmdumpValues(file, '3008,002a')).toEqual(['NORMAL', 'OPERATOR']);
    expect(dcmdumpValues(file, '3008,002b')).toEqual(['COMPLETE', 'SIGINT']);
    expect(dcmdumpValues(file, '300a,0730')).toEqual(['stop requested (SIGINT); beam held']);
    // the plan's SOP Instance UID, read from the plan file by dcmdump, not by the importer
    expect(dcmdumpValues(file, '0008,1155')).toEqual(dcmdumpValues(planFile, '0008,0018'));
    expect(dcmdumpValues(file, '0008,0016')).toEqual(['1.2.840.10008.5.1.4.1.1.481.4']);
    expect(dcmdumpValues(file, '0002,0010')).toEqual(['1.2.840.10008.1.2.1']);
  });

  it('closes the interrupted segment on its planned closing control point with the MU actually delivered', () => {
    const file = write(input(12.345));
    const b2 = plan.beams[1];
    const s2 = staticSegments(b2);
    const index = dcmdumpValues(file, '300c,00f0').map(Number);
    const specified = dcmdumpValues(file, '3008,0042').map(Number);
    const delivered = dcmdumpValues(file, '3008,0044').map(Number);
    const n1 = 2 * staticSegments(plan.beams[0]).length;
    expect(index.slice(n1)).toEqual([s2[0].fromControlPoint, s2[0].toControlPoint]);
    expect(specified.slice(n1)).toEqual([0, b2.metersetMu]);
    expect(delivered.slice(n1)).toEqual([0, 12.345]);
  });

  it('writes leaf positions and table-top positions from the readback it is given, bank B then bank A', () => {
    const file = write(input(12.345));
    const mlc = dcmdumpValues(file, '300a,011c').filter((v) => v.split('\\').length === 160);
    expect(mlc[0].split('\\').map(Number)).toEqual([...new Array(80).fill(-20), ...new Array(80).fill(20)]);
    expect(dcmdumpValues(file, '300a,0128').map(Number).every((v) => v === couch.verticalMm)).toBe(true);
    expect(dcmdumpValues(file, '300a,012a').map(Number).every((v) => v === couch.lateralMm)).toBe(true);
    // the couch's yaw as a patient support angle in [0, 360)
    expect(dcmdumpValues(file, '300a,0122').map(Number).every((v) => v === 359.2)).toBe(true);
  });

  it('leaves the MLC out of a control point whose sample had no fresh MLC readback, and still validates', () => {
    const file = write(input(12.345, { staleMlcAtStop: true }));
    const types = dcmdumpValues(file, '300a,00b8');
    const mlcItems = types.filter((t) => t === 'MLCX').length;
    // 2 leaf-pair declarations + one MLCX per control point, less the stale one
    const cps = dcmdumpValues(file, '300c,00f0').length;
    expect(mlcItems).toBe(2 + cps - 1);
    expect(dciodvfy(file).errors).toEqual([]);
  });

  it('references no plan for a JSON plan (no DICOM plan exists) and still validates', () => {
    const file = write({ ...input(12.345), planForm: 'json' });
    expect(dcmdumpValues(file, '0008,1155')).toEqual([]);
    expect(dciodvfy(file).errors).toEqual([]);
  });
});

describe('the record of a DYNAMIC beam (sliding window, dicompyler plan)', () => {
  const dmlc = importRtPlanBytes(fs.readFileSync(path.join(root, 'test/fixtures/rtplan/dicompyler_rtplan_dmlc_m120.dcm')), loadAllMlcModels());
  const beam = dmlc.beams[0];
  const half = beam.metersetMu / 2;

  it('writes the opening control point and the one the beam was heading to, with the MU delivered, and validates', () => {
    const file = write({
      ...input(0), plan: dmlc,
      beams: [{ number: beam.number, termination: { status: 'MACHINE', code: 'HELD', reason: 'held by IL-DOOR-OPEN' }, segments: [{ index: 0, mu1: half, mu2: half, start: { atIso: at(1), couch }, end: { atIso: at(9), couch } }] }],
    });
    const v = dciodvfy(file);
    expect(v.errors, v.output).toEqual([]);
    const k = beam.controlPoints.findIndex((c) => c.cumulativeWeight * beam.metersetMu >= half - 0.001);
    expect(dcmdumpValues(file, '300c,00f0').map(Number)).toEqual([0, k]);
    expect(dcmdumpValues(file, '3008,0044').map(Number)).toEqual([0, Math.round(half * 1000) / 1000]);
    expect(Number(dcmdumpValues(file, '3008,0042')[1])).toBeGreaterThanOrEqual(half - 0.001);
  });
});

describe('uidFromUuid', () => {
  it('writes the UUID as one decimal integer under 2.25 (PS3.5 B.2), as Python computes it', () => {
    // /usr/bin/python3 -c "import uuid; print('2.25.' + str(uuid.UUID('dd55f798-2ea1-4bc0-9a29-97d4c62d4c2f').int))"
    expect(uidFromUuid('dd55f798-2ea1-4bc0-9a29-97d4c62d4c2f')).toBe('2.25.294205754113725977630049964429780274223');
    // /usr/bin/python3 -c "import uuid; print('2.25.' + str(uuid.UUID('00000000-0000-0000-0000-00000000000a').int))"
    expect(uidFromUuid('00000000-0000-0000-0000-00000000000a')).toBe('2.25.10');
  });

  it('refuses what is not a UUID, naming the field', () => {
    expect(() => uidFromUuid('not-a-uuid')).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', field: 'uuid' }));
  });
});
