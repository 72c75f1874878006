import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asPose, couchCases, expectMatchesCase } from '../helpers/couch-cases.js';
import { DEFAULT_CONFIG_DIR, loadConfig, readValidated } from '../../src/config/load-config.js';
import { CouchModelSchema, type CouchModel } from '../../src/config/couch-model.js';
import { couchGeometry, withPivotAt } from '../../src/domain/couch/couch-kinematics.js';
import { planCorrection } from '../../src/domain/couch/plan-correction.js';
import { classifyCorrection } from '../../src/domain/registration/classify-correction.js';

const model = (id: string): CouchModel => readValidated(path.join(DEFAULT_CONFIG_DIR, 'couch', `${id}.json`), CouchModelSchema);
const cfg = loadConfig();
const tol = couchCases.tolerance;
const wide = { applyMaxMm: 50, applyMaxDeg: 5, reviewMaxMm: 60, reviewMaxDeg: 6 };

describe('worked couch cases (make_cases.py) through planCorrection', () => {
  it('covers every couch model in config/couch', () => {
    const models = fs.readdirSync(path.join(DEFAULT_CONFIG_DIR, 'couch')).map((f) => f.replace(/\.json$/, ''));
    for (const m of models) expect(couchCases.cases.some((c) => c.couch === m), m).toBe(true);
  });

  it.each(couchCases.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const m = model(c.couch);
    const pose = asPose(c.pose);
    const g = c.pivotAtPoseMm ? withPivotAt(couchGeometry(m), pose, c.pivotAtPoseMm) : couchGeometry(m);
    const plan = planCorrection(pose, asPose(c.correction), c.frame, m, wide, g);
    const legError = plan.errors.find((e) => /^couch\.leg\d+LengthMm$/.test(e.field ?? ''));
    expectMatchesCase(legError ? { ...plan, legLengthsMm: undefined } : plan, { ...c, expected: { ...c.expected, legLengthsMm: legError ? undefined : c.expected.legLengthsMm } });
    if (legError) {
      // the refusal names the leg and its length: the worked case's length for that leg
      const leg = Number(/\d+/.exec(legError.field!)![0]);
      expect(Math.abs(Number(legError.actual) - c.expected.legLengthsMm![leg - 1])).toBeLessThanOrEqual(tol.mm);
    }
    expect(plan.classification === 'reject', plan.reasons.join('; ')).toBe(!c.expected.reachable);
  });
});

describe('action levels grade the 3D length and the whole rotation (make_cases.py)', () => {
  it.each(couchCases.grading.map((g) => [`${g.protocol} ${g.correction.join(',')}`, g] as const))('%s', (_, g) => {
    const ip = model(g.couch).inPosition;
    const k = classifyCorrection(asPose(g.correction), cfg.bridge.actionLevels[g.protocol], { translationMm: ip.translationMm, rotationDeg: ip.rotationDeg });
    expect(k.action).toBe(g.expected.action);
    expect(k.translation3dMm).toBeCloseTo(g.expected.translation3dMm, 6);
    expect(k.rotation3dDeg).toBeCloseTo(g.expected.rotation3dDeg, 6);
  });
});
