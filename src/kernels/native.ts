/**
 * The only module that loads the C++ addon. If it cannot be loaded, start-up
 * fails loudly: there is no silent TypeScript fallback for safety kernels.
 */
import { createRequire } from 'node:module';
import { BridgeError } from '../core/bridge-error.js';
import { PROJECT_ROOT } from '../core/project-root.js';
import type { NativeFluenceGrid, NativeGammaOptions, NativeGammaResult, NativeLeafErrorStats } from './log-kernel-types.js';

export interface NativeAddon {
  accumulateFluence(rows: number, cols: number, intervals: Int32Array, weights: Float64Array): Float64Array;
  accumulateFluenceAsync(rows: number, cols: number, intervals: Int32Array, weights: Float64Array): Promise<Float64Array>;
  openPty(): { masterFd: number; slaveFd: number; slavePath: string };
  closeFd(fd: number): void;
  /** SCHED_FIFO for the calling thread; returns the priority set; throws (code EPERM) when not allowed. */
  setRealtimePriority(priority: number): number;
  leafErrorStats(expected: Float32Array, actual: Float32Array, keep: Uint8Array, leaves: number): NativeLeafErrorStats;
  leafFluence(tips: Float32Array, weight: Float64Array, jaws: Float32Array, boundaries: Float64Array, grid: NativeFluenceGrid): Float64Array;
  gammaAsync(reference: Float64Array, evaluated: Float64Array, options: NativeGammaOptions): Promise<NativeGammaResult>;
  abiVersion: number;
}

let cached: NativeAddon | undefined;

export function native(): NativeAddon {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  try {
    const load = require('node-gyp-build') as (dir: string) => NativeAddon;
    cached = load(PROJECT_ROOT);
  } catch (cause) {
    throw new BridgeError('NATIVE_UNAVAILABLE', 'the linac_native addon did not load; run `npm install` or `npm run build:native`', { cause });
  }
  return cached;
}
