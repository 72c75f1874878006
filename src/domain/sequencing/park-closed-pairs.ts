/**
 * Where to park the closed leaf pairs of an aperture so that they keep the
 * no-interdigitation rule with both neighbours: adjacent pairs' openings
 * [bank B, bank A] must overlap (a bank B leaf never passes the neighbour's
 * bank A leaf, nor the reverse). A closed pair is [p − h, p + h] (h = half the
 * minimum gap). Parking every closed pair at one fixed place (the grid centre)
 * puts it beside open neighbours that do not reach it; here a run of closed
 * pairs takes a point both of its open neighbours cover (the one nearest
 * `preferred`), or steps across in at most 2h per pair when they do not overlap.
 * Units are the caller's (mm on the bank, bixel edges on a grid).
 */

export type Opening = readonly [number, number] | null;

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Centre positions for every entry: the opening's own midpoint if open, the park position if closed. */
export function parkClosedPairs(openings: readonly Opening[], halfGap: number, preferred: number): number[] {
  const out = openings.map((o) => (o ? (o[0] + o[1]) / 2 : preferred));
  let i = 0;
  while (i < openings.length) {
    if (openings[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < openings.length && !openings[j + 1]) j++;
    const before = i > 0 ? openings[i - 1] : null;
    const after = j + 1 < openings.length ? openings[j + 1] : null;
    // a park point p overlaps an opening [lo, hi] when p ∈ [lo − h, hi + h]
    const reach = (o: readonly [number, number]): [number, number] => [o[0] - halfGap, o[1] + halfGap];
    if (before && after) {
      const [a0, a1] = reach(before);
      const [b0, b1] = reach(after);
      const lo = Math.max(a0, b0);
      const hi = Math.min(a1, b1);
      if (lo <= hi) for (let k = i; k <= j; k++) out[k] = clamp(preferred, lo, hi);
      else {
        // disjoint: walk from the nearer end of one reach to the other's in equal steps
        const from = a1 < b0 ? a1 : a0;
        const to = a1 < b0 ? b0 : b1;
        const n = j - i + 1;
        for (let k = i; k <= j; k++) out[k] = n === 1 ? (from + to) / 2 : from + ((to - from) * (k - i)) / (n - 1);
      }
    } else if (before || after) {
      const [lo, hi] = reach((before ?? after)!);
      for (let k = i; k <= j; k++) out[k] = clamp(preferred, lo, hi);
    }
    i = j + 1;
  }
  return out;
}
