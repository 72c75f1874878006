/**
 * The control-point checks one by one, on imported plans edited in memory
 * (each edit breaks exactly one rule; the untouched plan passes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MACHINE } from '../../../src/config/bridge-config.js';
import { loadAllMlcModels, loadMlcModel } from '../../../src/config/load-config.js';
import { importRtPlanBytes } from '../../../src/domain/plan/dicom/import-rt-plan.js';
import { checkPlan, type MachineContext } from '../../../src/domain/plan/plan-checks.js';
import type { ControlPoint, RtBeam, RtPlan } from '../../../src/domain/plan/rt-plan.js';

const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/rtplan');
const models = loadAllMlcModels();
const machine = { beams: DEFAULT_MACHINE.beams.map((b) => ({ ...b })), jawTravel: { minMm: -200, maxMm: 200 } };
const ctx = (mlc: string): MachineContext => ({ machine, mlc: loadMlcModel(mlc), delivery: { maxMuPerBeam: 999, minMuPerBeam: 1, minMuPerSegment: 1 } });
const sliding = importRtPlanBytes(fs.readFileSync(path.join(dir, 'dicompyler_rtplan_dmlc_m120.dcm')), models);
const squares = importRtPlanBytes(fs.readFileSync(path.join(dir, 'derived/agility-2beam-explicit.dcm')), models);

/** `plan` with beam 0 changed by `edit`. */
const withBeam = (plan: RtPlan, edit: (b: RtBeam) => RtBeam): RtPlan => ({ ...plan, beams: [edit(plan.beams[0]), ...plan.beams.slice(1)] });
const withCp = (b: RtBeam, k: number, edit: (c: ControlPoint) => ControlPoint): RtBeam => ({ ...b, controlPoints: b.controlPoints.map((c) => (c.index === k ? edit(c) : c)) });
/** The same edit at every control point (a step-and-shoot field stays one aperture). */
const withAllCps = (b: RtBeam, edit: (c: ControlPoint) => ControlPoint): RtBeam => ({ ...b, controlPoints: b.controlPoints.map(edit) });
const setLeaf = (c: ControlPoint, bank: 'bankAMm' | 'bankBMm', pair: number, mm: number): ControlPoint => ({ ...c, leaves: { ...c.leaves!, [bank]: c.leaves![bank].map((v, p) => (p === pair ? mm : v)) } });

describe('control-point checks', () => {
  it('pass the sliding-window plan on millennium-120 at its 400 MU/min', () => {
    expect(checkPlan(sliding, ctx('millennium-120'))).toEqual([]);
  });

  it('refuse a leaf too fast between two control points at the beam dose rate, naming both control points, the leaf and the speed', () => {
    // a tenth of the MU: every leaf moves ten times faster (beyond 25 mm/s wherever it moved faster than 2.5 mm/s)
    const fast = withBeam(sliding, (b) => ({ ...b, metersetMu: b.metersetMu / 10 }));
    const v = checkPlan(fast, ctx('millennium-120'));
    expect(v.length).toBeGreaterThan(0);
    expect(v[0].field).toMatch(/^plan\.beams\.0\.controlPoints\.\d+\.leaves\.bank[AB]Mm\.\d+$/);
    expect(v[0].unit).toBe('mm/s');
    expect(Number(v[0].actual)).toBeGreaterThan(25);
    expect(v[0].limit).toBe('<= 25');
  });

  it('refuse an exposed leaf pair closer than the minimum gap but allow a closed pair behind the Y jaws', () => {
    const exposed = withBeam(squares, (b) => withAllCps(b, (c) => setLeaf(c, 'bankAMm', 40, c.leaves!.bankBMm[40] + 0.2)));
    const v = checkPlan(exposed, ctx('agility'));
    expect(v[0].field).toBe('plan.beams.0.controlPoints.0.leaves.bankAMm.40');
    expect([v[0].actual, v[0].limit]).toEqual([0.2, '>= 0.5']);
    // pair 0 lies at -200…-195 mm, behind the Y jaws at ±10 mm: closing it to 0 is allowed
    const shielded = withBeam(squares, (b) => withAllCps(b, (c) => setLeaf(c, 'bankAMm', 0, c.leaves!.bankBMm[0])));
    expect(checkPlan(shielded, ctx('agility'))).toEqual([]);
  });

  it('refuse crossing leaves even behind the jaws', () => {
    const crossed = withBeam(squares, (b) => withAllCps(b, (c) => setLeaf(c, 'bankAMm', 0, c.leaves!.bankBMm[0] - 1)));
    const v = checkPlan(crossed, ctx('agility'));
    expect([v[0].field, v[0].actual, v[0].limit]).toEqual(['plan.beams.0.controlPoints.0.leaves.bankAMm.0', -1, '>= 0']);
  });

  it('refuse interdigitation on an MLC that forbids it, naming the leaf that passes its neighbour', () => {
    const noInter = { ...ctx('agility'), mlc: { ...loadMlcModel('agility'), interdigitation: false } };
    expect(checkPlan(squares, noInter)).toEqual([]);
    // pair 41's bank B moved to 15 mm, past pair 40's bank A at 10 mm
    const passing = withBeam(squares, (b) => withAllCps(b, (c) => setLeaf(setLeaf(c, 'bankBMm', 41, 15), 'bankAMm', 41, 20)));
    const v = checkPlan(passing, noInter);
    expect([v[0].field, v[0].actual, v[0].limit]).toEqual(['plan.beams.0.controlPoints.0.leaves.bankBMm.41', 15, '<= 10']);
  });

  it('refuse jaws in the wrong order or beyond their travel', () => {
    const swapped = withBeam(squares, (b) => withAllCps(b, (c) => ({ ...c, jaws: { yMm: [10, -10] } })));
    expect(checkPlan(swapped, ctx('agility'))[0].field).toBe('plan.beams.0.controlPoints.0.jaws.yMm');
    const beyond = withBeam(squares, (b) => withAllCps(b, (c) => ({ ...c, jaws: { yMm: [-10, 210] } })));
    const v = checkPlan(beyond, ctx('agility'))[0];
    expect([v.field, v.actual, v.limit]).toEqual(['plan.beams.0.controlPoints.0.jaws.yMm.1', 210, '-200..200']);
  });

  it('refuse a step-and-shoot segment below the machine minimum MU', () => {
    const small = withBeam(squares, (b) => ({ ...b, metersetMu: 0.5 }));
    const v = checkPlan(small, { ...ctx('agility'), delivery: { maxMuPerBeam: 999, minMuPerBeam: 0.1, minMuPerSegment: 1 } });
    expect([v[0].field, v[0].actual, v[0].limit]).toEqual(['plan.beams.0.segments.0.mu', 0.5, '>= 1']);
  });

  it('refuse weights that do not start at 0 or do not end at 1', () => {
    const late = withBeam(squares, (b) => withAllCps(b, (c) => ({ ...c, cumulativeWeight: 0.1 })));
    expect(checkPlan(late, ctx('agility'))[0].field).toBe('plan.beams.0.controlPoints.0.cumulativeWeight');
    const short = withBeam(squares, (b) => withCp(b, 1, (c) => ({ ...c, cumulativeWeight: 0.9 })));
    expect(checkPlan(short, ctx('agility')).map((v) => v.field)).toContain('plan.beams.0.controlPoints.1.cumulativeWeight');
  });
});

describe('leaf speed against an independent computation', () => {
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'))['dicompyler_rtplan_dmlc_m120.dcm'];
  const speedViolations = (mlc: ReturnType<typeof loadMlcModel>) => checkPlan(sliding, { ...ctx('millennium-120'), mlc }).filter((v) => v.unit === 'mm/s');

  it.each([0, 1, 2, 3])('beam %i: refused just below the fastest leaf speed expected.py computes from dcmdump, passed just above it', (i) => {
    const fastest = expected.beams[i].maxLeafSpeedMmPerS as number;
    const below = speedViolations({ ...loadMlcModel('millennium-120'), maxLeafSpeedMmPerS: fastest * 0.999 }).filter((v) => v.field!.startsWith(`plan.beams.${i}.`));
    expect(below.length).toBeGreaterThan(0);
    expect(Math.max(...below.map((v) => Number(v.actual)))).toBeCloseTo(fastest, 1);
    const above = speedViolations({ ...loadMlcModel('millennium-120'), maxLeafSpeedMmPerS: fastest * 1.001 }).filter((v) => v.field!.startsWith(`plan.beams.${i}.`));
    expect(above).toEqual([]);
  });
});

describe('technique consistency', () => {
  it('refuses a beam marked STATIC whose leaves move while MU is delivered', () => {
    const moving = withBeam(squares, (b) => withCp(b, 1, (c) => setLeaf(c, 'bankAMm', 40, 12)));
    const v = checkPlan(moving, ctx('agility'));
    expect([v[0].field, v[0].actual, v[0].limit]).toEqual(['plan.beams.0.technique', 'STATIC', 'DYNAMIC']);
  });
});
