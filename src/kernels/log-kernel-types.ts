/** Argument and result shapes of the addon's log-analysis kernels (native/src/log_binding.cc). */

export interface NativeLeafErrorStats {
  readonly rmsPerLeaf: Float64Array;
  readonly maxAbsPerLeaf: Float64Array;
  readonly stdActualPerLeaf: Float64Array;
  readonly p95Abs: number;
  readonly maxAbs: number;
  readonly kept: number;
}

/** Pixel (0,0) centre and size, mm; nx columns along X (leaf travel), ny rows along Y. */
export interface NativeFluenceGrid {
  readonly x0Mm: number;
  readonly y0Mm: number;
  readonly resolutionMm: number;
  readonly nx: number;
  readonly ny: number;
}

export interface NativeGammaOptions {
  readonly nz: number;
  readonly ny: number;
  readonly nx: number;
  readonly spacingZMm: number;
  readonly spacingYMm: number;
  readonly spacingXMm: number;
  readonly dosePercent: number;
  readonly distanceMm: number;
  readonly cutoffPercent: number;
  readonly stepMm: number;
  readonly radiusMm: number;
  readonly local: boolean;
  readonly threads: number;
}

export interface NativeGammaResult {
  /** One value per point, NaN below the cutoff. */
  readonly gamma: Float32Array;
  readonly evaluated: number;
  readonly passed: number;
  readonly sum: number;
}
