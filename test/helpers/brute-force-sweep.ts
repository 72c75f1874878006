/**
 * Exhaustive reference for tiny maps: every left-to-right unidirectional sweep
 * that delivers the map exactly at total MU `tnmu`, checked against the
 * constraints stated physically (leaves move one way; a trailing leaf never
 * passes a neighbour's leading leaf; of two neighbouring bixels the smaller
 * exposure lies inside the larger), and the fewest segments any of them needs.
 * A segment is a maximal MU interval with fixed leaf positions and an open bixel.
 */
export function bruteForceMinSweepK(a: number[][], tnmu: number, interleaf: boolean, tongueGroove: boolean): number {
  const rows = a.length;
  const cols = a[0].length;
  const n = rows * cols;
  const R = new Array<number>(n).fill(0);
  const val = (i: number, j: number) => a[i][j];
  const open = (i: number, j: number) => R[i * cols + j];
  const close = (i: number, j: number) => R[i * cols + j] + val(i, j);
  let best = Infinity;

  const feasible = (): boolean => {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (close(i, j) > tnmu) return false;
        if (j > 0 && (open(i, j) < open(i, j - 1) || close(i, j) < close(i, j - 1))) return false;
      }
    }
    for (let i = 0; i + 1 < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (interleaf && (open(i + 1, j) > close(i, j) || open(i, j) > close(i + 1, j))) return false;
        if (tongueGroove && val(i, j) > 0 && val(i + 1, j) > 0) {
          const [s, b] = val(i, j) <= val(i + 1, j) ? [i, i + 1] : [i + 1, i];
          if (open(s, j) < open(b, j) || close(s, j) > close(b, j)) return false;
        }
      }
    }
    return true;
  };

  const segments = (): number => {
    const times = [...new Set(R.flatMap((r, v) => [r, r + a[Math.floor(v / cols)][v % cols]]))].sort((x, y) => x - y);
    let k = 0;
    let previous = '';
    for (let t = 0; t + 1 < times.length; t++) {
      const at = times[t];
      let anyOpen = false;
      const edges: number[] = [];
      for (let i = 0; i < rows; i++) {
        let p = 0;
        let q = 0;
        while (p < cols && close(i, p) <= at) p++;
        while (q < cols && open(i, q) <= at) q++;
        if (q > p) anyOpen = true;
        edges.push(p, Math.max(p, q));
      }
      if (!anyOpen) continue;
      const key = edges.join(',');
      if (key !== previous) k++;
      previous = key;
    }
    return k;
  };

  const walk = (v: number): void => {
    if (v === n) {
      if (feasible()) best = Math.min(best, segments());
      return;
    }
    const i = Math.floor(v / cols);
    const j = v % cols;
    const limit = tnmu - a[i][j];
    // leaves move one way: start where both monotone conditions already hold (checked again in feasible())
    const from = j === 0 ? 0 : Math.max(R[v - 1], R[v - 1] + a[i][j - 1] - a[i][j]);
    for (let r = from; r <= limit; r++) {
      R[v] = r;
      walk(v + 1);
    }
  };
  walk(0);
  return best;
}
