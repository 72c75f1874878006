import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { apertureToLeaves, leavesToAperture } from '../../src/domain/plan/aperture-leaves.js';
import { planGeometry } from '../../src/domain/plan/plan.js';
import { loadPlanFile, validatePlan } from '../../src/domain/plan/validate-plan.js';

const cfg = loadConfig();
const text = fs.readFileSync(new URL('../../examples/two-beam-step-and-shoot.json', import.meta.url), 'utf8');
const protocols = Object.keys(cfg.bridge.actionLevels);

describe('plan validation', () => {
  it('accepts the example plan (its segments deliver its fluence exactly)', () => {
    const plan = loadPlanFile(text, 'example', cfg.mlc, protocols, cfg.bridge.delivery);
    expect(plan.beams.map((b) => b.segments.reduce((s, x) => s + x.mu, 0))).toEqual([60, 48]);
  });

  it('rejects a plan whose segments do not deliver its fluence, naming the bixel', () => {
    const raw = JSON.parse(text);
    raw.beams[0].fluence[5][7] += 1;
    expect(() => validatePlan(raw, cfg.mlc, protocols, cfg.bridge.delivery)).toThrowError(expect.objectContaining({ code: 'PLAN_INVALID', field: 'plan.beams.0.fluence.5.7' }));
  });

  it('rejects a segment with negative MU', () => {
    const raw = JSON.parse(text);
    raw.beams[1].segments[0].mu = -3;
    expect(() => validatePlan(raw, cfg.mlc, protocols, cfg.bridge.delivery)).toThrowError(expect.objectContaining({ code: 'PLAN_INVALID', field: 'plan.beams.1.segments.0.mu' }));
  });

  it('rejects a grid that runs past the last leaf pair', () => {
    const raw = JSON.parse(text);
    raw.beams[0].grid.firstLeafPair = 55;
    expect(() => validatePlan(raw, cfg.mlc, protocols, cfg.bridge.delivery)).toThrowError(expect.objectContaining({ field: 'plan.beams.0.grid.rows', limit: 60 }));
  });

  it('rejects a plan for another MLC and an unknown protocol', () => {
    const a = JSON.parse(text);
    a.mlcModel = 'agility';
    expect(() => validatePlan(a, cfg.mlc, protocols, cfg.bridge.delivery)).toThrowError(expect.objectContaining({ field: 'plan.mlcModel' }));
    const b = JSON.parse(text);
    b.protocol = 'nope';
    expect(() => validatePlan(b, cfg.mlc, protocols, cfg.bridge.delivery)).toThrowError(expect.objectContaining({ field: 'plan.protocol' }));
  });

  it('accepts the DICOM geometry a registration needs (frame of reference, LPS isocentre, patient position), and refuses half of it or bad values', () => {
    const raw = JSON.parse(text);
    const geometry = { frameOfReferenceUid: '1.2.840.113619.2.55.3', isocenterLpsMm: [35.2, 48.7, -412.5], patientPosition: 'FFP' };
    const plan = validatePlan({ ...raw, ...geometry }, cfg.mlc, protocols, cfg.bridge.delivery);
    expect(planGeometry(plan)).toEqual(geometry);
    expect(planGeometry(validatePlan(raw, cfg.mlc, protocols, cfg.bridge.delivery))).toBeUndefined();
    expect(() => validatePlan({ ...raw, isocenterLpsMm: [0, 0, 0] }, cfg.mlc, protocols, cfg.bridge.delivery)).toThrowError(expect.objectContaining({ code: 'PLAN_INVALID', field: 'plan.frameOfReferenceUid' }));
    expect(() => validatePlan({ ...raw, ...geometry, frameOfReferenceUid: '1.02.3' }, cfg.mlc, protocols, cfg.bridge.delivery)).toThrowError(expect.objectContaining({ field: 'plan.frameOfReferenceUid' }));
    expect(() => validatePlan({ ...raw, ...geometry, isocenterLpsMm: [0, 0, 5000] }, cfg.mlc, protocols, cfg.bridge.delivery)).toThrowError(expect.objectContaining({ field: 'plan.isocenterLpsMm.2' }));
    expect(() => validatePlan({ ...raw, ...geometry, patientPosition: 'SUPINE' }, cfg.mlc, protocols, cfg.bridge.delivery)).toThrowError(expect.objectContaining({ field: 'plan.patientPosition' }));
  });

  it('rejects text that is not JSON', () => {
    expect(() => loadPlanFile('{', 'bad.json', cfg.mlc, protocols, cfg.bridge.delivery)).toThrowError(expect.objectContaining({ code: 'PLAN_INVALID', field: 'bad.json' }));
  });
});

describe('apertures and leaves', () => {
  const grid = { bixelWidthMm: 5, originMm: -40, firstLeafPair: 24, rows: 3, cols: 16 };
  it('opens bank B at the left edge of the first bixel and bank A at the right edge of the last', () => {
    const leaves = apertureToLeaves([[2, 5], null, [0, 15]], grid, cfg.mlc);
    expect([leaves.bankBMm[24], leaves.bankAMm[24]]).toEqual([-30, -10]);
    expect([leaves.bankBMm[26], leaves.bankAMm[26]]).toEqual([-40, 40]);
    expect(leaves.bankAMm[25] - leaves.bankBMm[25]).toBeCloseTo(cfg.mlc.minGapMm, 9); // closed at the minimum gap
    expect(leaves.bankAMm[0] - leaves.bankBMm[0]).toBeCloseTo(cfg.mlc.minGapMm, 9); // outside the grid: closed
  });

  it('reads the same aperture back from readback within tolerance, and refuses readback off the bixel edges', () => {
    const leaves = apertureToLeaves([[2, 5], null, [0, 15]], grid, cfg.mlc);
    const jitter = { bankAMm: leaves.bankAMm.map((v) => v + 0.3), bankBMm: leaves.bankBMm.map((v) => v - 0.3) };
    expect(leavesToAperture(jitter, grid, 1)).toEqual([[2, 5], null, [0, 15]]);
    const off = { bankAMm: leaves.bankAMm.map((v) => v + 2), bankBMm: leaves.bankBMm };
    expect(leavesToAperture(off, grid, 1)).toBeUndefined();
  });
});
