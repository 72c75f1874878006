import { describe, expect, it } from 'vitest';
import { leafBoundariesMm } from '../../src/config/mlc-model.js';
import { EpidPanel, defaultEpidOptions } from '../../simulators/epid-panel.js';
import { testConfig } from '../helpers/sim-fixtures.js';

const bounds = leafBoundariesMm(testConfig.mlc);
const n = testConfig.mlc.leafPairs;

function rig(aMm: number, bMm: number) {
  const mlc = { truePositions: { bankAMm: new Array<number>(n).fill(aMm), bankBMm: new Array<number>(n).fill(bMm) } };
  const beam = { status: { mu1: 0 } };
  const panel = new EpidPanel(mlc, beam, { ...defaultEpidOptions, leafBoundariesMm: bounds });
  const deliver = (mu: number) => {
    beam.status.mu1 += mu;
    panel.advance();
  };
  return { mlc, beam, panel, deliver };
}

/** The row through a leaf pair's centre, as (x, signal) pairs. */
function rowThrough(img: ReturnType<EpidPanel['read']>, pair: number): Array<[number, number]> {
  const y = (bounds[pair] + bounds[pair + 1]) / 2;
  const i = Math.round((y - img.y0Mm) / img.pixelMm);
  return Array.from({ length: img.cols }, (_, j) => [img.x0Mm + j * img.pixelMm, img.data[i * img.cols + j]]);
}

/** Where the profile first crosses `level` going up (linear interpolation), scanning from x = −∞. */
function risingCrossing(row: Array<[number, number]>, level: number): number {
  for (let j = 1; j < row.length; j++) {
    const [x0, v0] = row[j - 1];
    const [x1, v1] = row[j];
    if (v0 < level && v1 >= level) return x0 + ((level - v0) * (x1 - x0)) / (v1 - v0);
  }
  return NaN;
}

describe('simulated EPID (integrated portal image at the isocentre plane)', () => {
  it('shows an open strip at one unit per MU, leaf transmission under the leaves, each tip at its 50 % point with the configured 80–20 % width', () => {
    const { panel, deliver } = rig(20, -20);
    panel.begin({ x1Mm: -100, x2Mm: 100, y1Mm: -100, y2Mm: 100 });
    deliver(10);
    const row = rowThrough(panel.read(), 30); // a 5 mm leaf near the axis
    const at = (x: number) => row.reduce((best, p) => (Math.abs(p[0] - x) < Math.abs(best[0] - x) ? p : best))[1];
    expect(at(0)).toBeCloseTo(10, 2);
    expect(at(-60) / 10).toBeCloseTo(defaultEpidOptions.leafTransmission, 3);
    const lo = at(-60);
    const level = (f: number) => lo + f * (at(0) - lo);
    expect(risingCrossing(row, level(0.5))).toBeCloseTo(-20, 1);
    expect(Math.abs(risingCrossing(row, level(0.5)) + 20)).toBeLessThan(0.02);
    expect(risingCrossing(row, level(0.8)) - risingCrossing(row, level(0.2))).toBeCloseTo(defaultEpidOptions.leafEndPenumbraMm, 1);
  });

  it('images where the leaves really stand, which a calibration error moves away from the readback', () => {
    const { mlc, panel, deliver } = rig(20, -20);
    mlc.truePositions.bankBMm[16] = -20 + 0.8; // B17 really at −19.2
    panel.begin({ x1Mm: -100, x2Mm: 100, y1Mm: -100, y2Mm: 100 });
    deliver(5);
    const img = panel.read();
    const edge = (pair: number) => {
      const row = rowThrough(img, pair);
      return risingCrossing(row, 2.5 + 0.5 * 0.015 * 5);
    };
    // the neighbours blur in through the leaf-side penumbra, so only compare the shifted leaf with a far one
    expect(edge(16) - edge(40)).toBeGreaterThan(0.5);
    expect(Math.abs(edge(40) + 20)).toBeLessThan(0.02);
  });

  it('integrates only the MU delivered between begin() and read(), and a new beam restarting its count adds nothing negative', () => {
    const { beam, panel, deliver } = rig(20, -20);
    deliver(3);
    panel.begin();
    deliver(2);
    expect(panel.integratedMu).toBeCloseTo(2, 9);
    beam.status.mu1 = 0; // the next beam is armed
    panel.advance();
    deliver(1);
    expect(panel.integratedMu).toBeCloseTo(3, 9);
    panel.read(); // ends the acquisition: an idle panel records nothing
    deliver(4);
    expect(panel.integratedMu).toBeCloseTo(3, 9);
  });
});
