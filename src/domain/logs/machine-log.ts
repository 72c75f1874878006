/**
 * One view of a machine log, whatever its format: leaf positions expected and
 * actual at the isocentre plane in mm, which snapshots count (beam on, not
 * held), cumulative MU, jaws and the leaf-pair boundaries. Conventions:
 * docs/logs.md. Leaves: bank A pairs 1…P then bank B pairs 1…P, each as the
 * distance of the leaf tip from the central axis, positive = open (both
 * formats log them so); bank A lies on the IEC X2 side, bank B on X1.
 */
export interface MachineLog {
  readonly format: 'trajectory' | 'dynalog';
  readonly version: string;
  readonly samplingIntervalMs: number;
  readonly snapshots: number;
  readonly leafPairs: number;
  /** snapshots × 2·leafPairs, mm at isocentre. */
  readonly expectedMm: Float32Array;
  readonly actualMm: Float32Array;
  /** 1 where the snapshot counts: beam on and not held. */
  readonly kept: Uint8Array;
  /** Cumulative meterset per snapshot, expected and actual (DynaLog: fraction of the beam, 0…1). */
  readonly expectedMu: Float64Array;
  readonly actualMu: Float64Array;
  /** snapshots × 4: X1, X2, Y1, Y2 jaw distances from the central axis, positive = open, mm (expected, actual). */
  readonly expectedJawsMm: Float32Array;
  readonly actualJawsMm: Float32Array;
  /** Leaf-pair boundaries along IEC Y, pair 1 first, mm at isocentre (leafPairs + 1 values). */
  readonly leafBoundariesMm: Float64Array;
  /** How the boundaries were chosen (MLC model named in the log, or assumed). */
  readonly mlcName: string;
}

/** Open jaws when a log has none: far outside any leaf travel, mm. */
export const NO_JAW_MM = 1000;

const widths = (groups: ReadonlyArray<readonly [number, number]>): number[] => groups.flatMap(([n, w]) => new Array<number>(n).fill(w));

/**
 * Leaf-pair boundaries of the Varian MLCs a log can name (TrueBeam header
 * field "MLC model"): NDS 80 (40 × 10 mm), Millennium 120 (10 × 10, 40 × 5,
 * 10 × 10 mm), HD120 (14 × 5, 32 × 2.5, 14 × 5 mm) — Varian MLC geometry as
 * in pylinac's and TrajectoryLogReader's MLC tables. Another pair count: 10 mm
 * pairs, said so in the name.
 */
export function leafBoundaries(pairs: number, mlcModel?: number): { boundariesMm: Float64Array; name: string } {
  const known: Record<number, { name: string; w: number[] }> = {
    0: { name: 'NDS 80', w: widths([[40, 10]]) },
    2: { name: 'Millennium 120', w: widths([[10, 10], [40, 5], [10, 10]]) },
    3: { name: 'HD120', w: widths([[14, 5], [32, 2.5], [14, 5]]) },
  };
  const byCount = Object.values(known).find((k) => k.w.length === pairs);
  const pick = mlcModel !== undefined && known[mlcModel]?.w.length === pairs ? known[mlcModel] : byCount;
  const w = pick?.w ?? new Array<number>(pairs).fill(10);
  const total = w.reduce((a, b) => a + b, 0);
  const b = new Float64Array(pairs + 1);
  b[0] = -total / 2;
  for (let k = 0; k < pairs; k++) b[k + 1] = b[k] + w[k];
  return { boundariesMm: b, name: pick ? pick.name : `${pairs} pairs of 10 mm (model not known)` };
}

/** Machine (Varian) scale → IEC 61217 for gantry, collimator and couch rotation: θ_IEC = (180° − θ) mod 360°. */
export const machineToIecRotationDeg = (deg: number): number => (((180 - deg) % 360) + 360) % 360;
