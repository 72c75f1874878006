/**
 * Bad input, each built from a public plan by dcmtk (test/fixtures/rtplan/derived/build.sh),
 * refused with PLAN_INVALID naming the field; the unmodified base passes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MACHINE, type DeliveryLimits } from '../../../src/config/bridge-config.js';
import { loadAllMlcModels, loadMlcModel } from '../../../src/config/load-config.js';
import { BridgeError } from '../../../src/core/bridge-error.js';
import { importRtPlanBytes } from '../../../src/domain/plan/dicom/import-rt-plan.js';
import { assertPlanDeliverable, checkPlan, type MachineContext } from '../../../src/domain/plan/plan-checks.js';
import { refusal } from '../../helpers/refusal.js';

const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/rtplan');
const models = loadAllMlcModels();
const delivery: DeliveryLimits = { maxMuPerBeam: 999, minMuPerBeam: 1, minMuPerSegment: 1 };
const machine = { beams: DEFAULT_MACHINE.beams.map((b) => ({ ...b })), jawTravel: { minMm: -200, maxMm: 200 } };
const agility: MachineContext = { machine, mlc: loadMlcModel('agility'), delivery };
const millennium: MachineContext = { machine, mlc: loadMlcModel('millennium-120'), delivery };
const read = (f: string) => fs.readFileSync(path.join(dir, f));
const importFile = (f: string) => importRtPlanBytes(read(f), models);


describe('plan refusals on dcmtk-edited fixtures', () => {
  it('passes the unmodified two-beam Agility plan on an Agility machine', () => {
    expect(checkPlan(importFile('derived/agility-2beam-explicit.dcm'), agility)).toEqual([]);
  });

  it('refuses a truncated file naming the file, its size and the last element read', () => {
    const e = refusal(() => importRtPlanBytes(read('derived/truncated.dcm'), models, 'dicom(truncated.dcm)'));
    expect(e.code).toBe('PLAN_INVALID');
    expect(e.field).toBe('dicom(truncated.dcm)');
    expect(e.actual).toBe('150000 bytes');
    expect(e.message).toMatch(/truncated or corrupt.*FractionGroupSequence/);
  });

  it('refuses a leaf beyond travel naming beam, control point, leaf pair, bank and the travel limit', () => {
    const e = refusal(() => assertPlanDeliverable(importFile('derived/leaf-beyond-travel.dcm'), agility));
    expect(e.field).toBe('plan.beams.0.controlPoints.0.leaves.bankAMm.40');
    expect([e.actual, e.limit, e.unit]).toEqual([250, '-200..200', 'mm']);
  });

  it('refuses non-monotonic meterset weights naming the control point where the weight falls', () => {
    const e = refusal(() => assertPlanDeliverable(importFile('derived/non-monotonic-weights.dcm'), millennium));
    expect(e.field).toBe('plan.beams.0.controlPoints.10.cumulativeWeight');
  });

  it('refuses an MLC whose boundaries match no configured model, naming the boundary', () => {
    const e = refusal(() => importFile('derived/unknown-mlc.dcm'));
    expect(e.field).toBe('dicom.BeamSequence[0].BeamLimitingDeviceSequence[1].LeafPositionBoundaries[0]');
    expect([e.actual, e.limit]).toEqual([-197.5, -200]);
  });

  it('refuses an MLC with a leaf count no configured model has', () => {
    const e = refusal(() => importRtPlanBytes(read('derived/agility-2beam-explicit.dcm'), models.filter((m) => m.id !== 'agility')));
    expect(e.field).toBe('dicom.BeamSequence[0].BeamLimitingDeviceSequence[1].NumberOfLeafJawPairs');
    expect(e.actual).toBe(80);
  });

  it('refuses an energy the machine does not have, listing the ones it has', () => {
    const e = refusal(() => assertPlanDeliverable(importFile('derived/wrong-energy.dcm'), agility));
    expect(e.field).toBe('plan.beams.0.energy');
    expect(e.actual).toBe('PHOTON 18');
    expect(String(e.limit)).toContain('PHOTON 6');
  });

  it('refuses a plan for another MLC with the reason (Agility plan on a Millennium machine)', () => {
    const e = refusal(() => assertPlanDeliverable(importFile('derived/agility-2beam-explicit.dcm'), millennium));
    expect([e.field, e.actual, e.limit]).toEqual(['plan.beams.0.mlc.model', 'agility', 'millennium-120']);
  });

  it('refuses a plan for another treatment machine when the config names the machines', () => {
    const e = refusal(() => assertPlanDeliverable(importFile('derived/agility-2beam-explicit.dcm'), { ...agility, machine: { ...machine, names: ['LINAC1'] } }));
    expect([e.field, e.actual]).toEqual(['plan.beams.0.machine', '2619']);
  });

  it('refuses a dose rate above the energy maximum (pydicom plan: 650 MU/min at 6 MV)', () => {
    const e = refusal(() => assertPlanDeliverable(importFile('pydicom_rtplan_jaws_only.dcm'), millennium));
    expect([e.field, e.actual, e.unit]).toEqual(['plan.beams.0.controlPoints.0.doseRateMuPerMin', 650, 'MU/min']);
  });

  it('refuses a beam meterset above the machine maximum (the 1000 MU Agility plan)', () => {
    const e = refusal(() => assertPlanDeliverable(importFile('pymedphys_06MV_plan_agility_static_noP10.dcm'), agility));
    expect([e.field, e.actual, e.unit]).toEqual(['plan.beams.0.metersetMu', 1000, 'MU']);
  });

  it('refuses a beam that references a tolerance table the plan does not have', () => {
    const e = refusal(() => importFile('derived/missing-tolerance-table.dcm'));
    expect([e.field, e.actual, e.limit]).toEqual(['dicom.BeamSequence[0].ReferencedToleranceTableNumber', 9, '3']);
  });

  it('refuses a file that is not an RT Plan naming SOPClassUID', () => {
    const e = refusal(() => importFile('derived/not-rtplan.dcm'));
    expect([e.field, e.actual]).toEqual(['dicom.SOPClassUID', '1.2.840.10008.5.1.4.1.1.481.2']);
  });
});
