import { describe, expect, it } from 'vitest';
import { followedDoseFraction } from '../../../src/qa/checks/following-lag.js';
import { positionsAt, type TrajectoryPoint } from '../../../src/protocol/mlc-protocol.js';

// 10 pairs sweeping together from −20 to +20 mm over the beam
const n = 10;
const points: TrajectoryPoint[] = [0, 1].map((w) => ({ metersetWeight: w, positions: { bankAMm: new Array<number>(n).fill(-15 + 40 * w), bankBMm: new Array<number>(n).fill(-20 + 40 * w) } }));

describe('where the whole MLC stands on its planned trajectory', () => {
  it('finds the dose the leaves trail at, which one lagging leaf does not move', () => {
    const at = positionsAt(points, 0.5);
    const readback = { bankAMm: [...at.bankAMm], bankBMm: at.bankBMm.map((v, i) => (i === 2 ? v - 2 : v)) }; // B3 2 mm behind
    const d = followedDoseFraction(points, readback, 0.45, 0.52);
    expect(Math.abs(d - 0.5)).toBeLessThan(0.0005); // 0.02 mm of travel
  });

  it('returns the upper end of an empty bracket', () => {
    expect(followedDoseFraction(points, points[0].positions, 0.3, 0.3)).toBe(0.3);
  });
});
