/**
 * Independent reference for the exact mode on tiny maps: the fewest segments whose weights sum to
 * the minimum TNMU and rebuild the map, by depth-first search over apertures (one interval or
 * closed per row) subtracted from the residual, in canonical order. Shares no code with the addon.
 */
function rowComplexity(row: readonly number[]): number {
  let c = 0;
  let prev = 0;
  for (const x of row) {
    if (x > prev) c += x - prev;
    prev = x;
  }
  return c;
}

/** Every aperture of a rows×cols grid: per row null (closed) or [first, last]. */
function apertures(rows: number, cols: number): Array<Array<[number, number] | null>> {
  const perRow: Array<[number, number] | null> = [null];
  for (let l = 0; l < cols; l++) for (let r = l; r < cols; r++) perRow.push([l, r]);
  let out: Array<Array<[number, number] | null>> = [[]];
  for (let i = 0; i < rows; i++) out = out.flatMap((p) => perRow.map((iv) => [...p, iv]));
  return out.filter((p) => p.some((iv) => iv !== null));
}

export function bruteForceMinSegments(a: readonly (readonly number[])[]): number {
  const rows = a.length;
  const cols = a[0].length;
  const tnmu = Math.max(...a.map(rowComplexity));
  if (tnmu === 0) return 0;
  const aps = apertures(rows, cols);
  const res = a.map((r) => [...r]);
  // segments in non-increasing (weight, aperture index) order: each multiset is tried once
  const search = (left: number, mu: number, maxW: number, minAp: number): boolean => {
    if (mu === 0) return res.every((r) => r.every((x) => x === 0));
    if (left === 0 || Math.max(...res.map(rowComplexity)) > mu) return false;
    for (let w = Math.min(maxW, mu); w >= 1; w--) {
      for (let k = w === maxW ? minAp : 0; k < aps.length; k++) {
        const ap = aps[k];
        if (!ap.every((iv, i) => !iv || res[i].slice(iv[0], iv[1] + 1).every((x) => x >= w))) continue;
        ap.forEach((iv, i) => { if (iv) for (let c = iv[0]; c <= iv[1]; c++) res[i][c] -= w; });
        const ok = search(left - 1, mu - w, w, k);
        ap.forEach((iv, i) => { if (iv) for (let c = iv[0]; c <= iv[1]; c++) res[i][c] += w; });
        if (ok) return true;
      }
    }
    return false;
  };
  for (let k = 1; ; k++) if (search(k, tnmu, tnmu, 0)) return k;
}
