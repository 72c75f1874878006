import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { loadPlanFile, validatePlan } from '../../src/domain/plan/validate-plan.js';

const cfg = loadConfig();
const text = fs.readFileSync(new URL('../../examples/two-beam-step-and-shoot.json', import.meta.url), 'utf8');
const protocols = Object.keys(cfg.bridge.actionLevels);
const delivery = cfg.bridge.delivery;
const plan = (mutate: (p: Record<string, any>) => void): unknown => {
  const p = JSON.parse(text);
  mutate(p);
  return p;
};
const refuses = (raw: unknown, expected: Record<string, unknown>, limits = delivery) =>
  expect(() => validatePlan(raw, cfg.mlc, protocols, limits)).toThrowError(expect.objectContaining({ code: 'PLAN_INVALID', ...expected }));

describe('plans are strict', () => {
  it.each([
    ['collimatorDeg on a beam', (p: any) => (p.beams[0].collimatorDeg = 90), 'plan.beams.0.collimatorDeg'],
    ['wedge at the top level', (p: any) => (p.wedge = 'W60'), 'plan.wedge'],
    ['a key in a segment', (p: any) => (p.beams[1].segments[2].gantryDeg = 10), 'plan.beams.1.segments.2.gantryDeg'],
    ['a key in a grid', (p: any) => (p.beams[0].grid.rowMm = 5), 'plan.beams.0.grid.rowMm'],
  ])('refuses an unknown key (%s), naming its path', (_n, mutate, field) => {
    refuses(plan(mutate), { field });
  });
});

describe('MU limits from the machine config', () => {
  it('refuses a 5000 MU beam against maxMuPerBeam, naming the beam', () => {
    const raw = plan((p) => (p.beams[0].segments = Array.from({ length: 5 }, () => ({ ...p.beams[0].segments[0], mu: 1000 }))));
    refuses(raw, { field: 'plan.beams.0.mu', actual: 5000, limit: `<= ${delivery.maxMuPerBeam}`, unit: 'MU' });
  });

  it('refuses a 1e-9 MU segment against minMuPerSegment', () => {
    refuses(plan((p) => (p.beams[1].segments[0].mu = 1e-9)), { field: 'plan.beams.1.segments.0.mu', actual: 1e-9, limit: `>= ${delivery.minMuPerSegment}` });
  });

  it('refuses a beam below minMuPerBeam even when each segment passes', () => {
    const raw = plan((p) => (p.beams[0].segments = [{ ...p.beams[0].segments[0], mu: 2 }]));
    refuses(raw, { field: 'plan.beams.0.mu', actual: 2, limit: '>= 5' }, { ...delivery, minMuPerBeam: 5 });
  });
});

describe('identifiers and text', () => {
  it.each([
    ['a path in planId', (p: any) => (p.planId = '../../../tmp/x'), 'plan.planId'],
    ['a newline in planId (a forged journal or console line)', (p: any) => (p.planId = 'P1\nfraction 1: COMPLETE'), 'plan.planId'],
    ['a slash in patientId', (p: any) => (p.patientId = 'a/b'), 'plan.patientId'],
    ['an empty patientId', (p: any) => (p.patientId = ''), 'plan.patientId'],
    ['an escape sequence in patientName', (p: any) => (p.patientName = 'Doe\u001b[2J'), 'plan.patientName'],
    ['a newline in a beam name', (p: any) => (p.beams[0].name = 'AP\nOK'), 'plan.beams.0.name'],
  ])('refuses %s', (_n, mutate, field) => {
    refuses(plan(mutate), { field });
  });
});

describe('plan file size and nesting', () => {
  it('refuses a plan nested 12 000 levels deep before parsing it, naming the file', () => {
    const deep = '['.repeat(12_000) + ']'.repeat(12_000);
    expect(() => loadPlanFile(`{"beams":${deep}}`, 'deep.json', cfg.mlc, protocols, delivery)).toThrowError(expect.objectContaining({ code: 'LIMIT_EXCEEDED', field: 'deep.json.depth', actual: 12_001 }));
  });

  it('refuses a plan file over 16 MiB', () => {
    const big = `{"patientName":"${'x'.repeat(16 * 1024 * 1024)}"}`;
    expect(() => loadPlanFile(big, 'big.json', cfg.mlc, protocols, delivery)).toThrowError(expect.objectContaining({ code: 'LIMIT_EXCEEDED', field: 'big.json.bytes' }));
  });
});
