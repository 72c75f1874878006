/**
 * Independent reference for the constrained minimum total MU of a
 * unidirectional sweep: builds the difference-constraint graph explicitly
 * (node (i, j) = opening time of bixel j in row i, plus a source) and takes
 * longest paths by Bellman-Ford; the answer is max_i (R_i(n−1) + a_i(n−1)).
 */
export function referenceConstrainedTnmu(a: number[][], interleaf: boolean, tongueGroove: boolean): number {
  const rows = a.length;
  const cols = a[0].length;
  const node = (i: number, j: number) => i * cols + j + 1; // 0 is the source
  const edges: Array<[number, number, number]> = []; // from, to, weight: x_to >= x_from + weight
  for (let i = 0; i < rows; i++) {
    edges.push([0, node(i, 0), 0]);
    for (let j = 1; j < cols; j++) {
      edges.push([node(i, j - 1), node(i, j), 0]); // R non-decreasing
      edges.push([node(i, j - 1), node(i, j), a[i][j - 1] - a[i][j]]); // L non-decreasing
    }
  }
  for (let i = 0; i + 1 < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = i + 1;
      if (interleaf) {
        edges.push([node(k, j), node(i, j), -a[i][j]]); // R_k <= R_i + a_i
        edges.push([node(i, j), node(k, j), -a[k][j]]);
      }
      if (tongueGroove && a[i][j] > 0 && a[k][j] > 0) {
        const [s, b] = a[i][j] <= a[k][j] ? [i, k] : [k, i];
        edges.push([node(b, j), node(s, j), 0]); // R_s >= R_b
        edges.push([node(s, j), node(b, j), a[s][j] - a[b][j]]); // L_b >= L_s
      }
    }
  }
  const dist = new Array<number>(rows * cols + 1).fill(-Infinity);
  dist[0] = 0;
  for (let pass = 0; pass <= rows * cols; pass++) {
    let changed = false;
    for (const [u, v, w] of edges) {
      if (dist[u] !== -Infinity && dist[u] + w > dist[v]) {
        dist[v] = dist[u] + w;
        changed = true;
      }
    }
    if (!changed) break;
  }
  let t = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t = Math.max(t, dist[node(i, j)] + a[i][j]);
  return t;
}
