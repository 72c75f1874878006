import { describe, expect, it } from 'vitest';
import { parkClosedPairs, type Opening } from '../../../src/domain/sequencing/park-closed-pairs.js';

/** Adjacent openings overlap (closed pairs taken as [p − h, p + h]). */
function overlapsAll(openings: readonly Opening[], park: number[], h: number): boolean {
  const iv = openings.map((o, i) => o ?? ([park[i] - h, park[i] + h] as const));
  return iv.every((a, i) => i === 0 || (a[0] <= iv[i - 1][1] + 1e-12 && iv[i - 1][0] <= a[1] + 1e-12));
}

describe('parkClosedPairs', () => {
  it('parks a run between two overlapping openings inside both, as near the preferred point as allowed', () => {
    const o: Opening[] = [[-40, -25], null, null, [-35, -20]];
    const p = parkClosedPairs(o, 0.25, 0);
    expect(p[1]).toBeCloseTo(-24.75, 12);
    expect(p[2]).toBeCloseTo(-24.75, 12);
    expect(overlapsAll(o, p, 0.25)).toBe(true);
  });

  it('parks pairs beyond the last opening within its reach, and stays at the preferred point when it can', () => {
    const o: Opening[] = [null, null, [10, 30], null];
    const p = parkClosedPairs(o, 0.25, 0);
    expect(p).toEqual([9.75, 9.75, 20, 9.75]);
    expect(overlapsAll(o, p, 0.25)).toBe(true);
    expect(parkClosedPairs([null, [-5, 5], null], 0.25, 0)).toEqual([0, 0, 0]);
  });

  it('steps across disjoint neighbours when the closed pairs between them can bridge the distance (2h per pair)', () => {
    const o: Opening[] = [[0, 1], null, null, null, [2, 3]];
    const p = parkClosedPairs(o, 0.25, 10);
    expect(overlapsAll(o, p, 0.25)).toBe(true);
  });

  it('uses the preferred point when every pair is closed', () => {
    expect(parkClosedPairs([null, null], 0.25, 3)).toEqual([3, 3]);
  });
});
