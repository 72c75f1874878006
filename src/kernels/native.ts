/**
 * The only module that loads the C++ addon. If it cannot be loaded, start-up
 * fails loudly: there is no silent TypeScript fallback for safety kernels.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { BridgeError } from '../core/bridge-error.js';

export interface NativeAddon {
  accumulateFluence(rows: number, cols: number, intervals: Int32Array, weights: Float64Array): Float64Array;
  accumulateFluenceAsync(rows: number, cols: number, intervals: Int32Array, weights: Float64Array): Promise<Float64Array>;
  openPty(): { masterFd: number; slaveFd: number; slavePath: string };
  closeFd(fd: number): void;
  abiVersion: number;
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let cached: NativeAddon | undefined;

export function native(): NativeAddon {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  try {
    const load = require('node-gyp-build') as (dir: string) => NativeAddon;
    cached = load(projectRoot);
  } catch (cause) {
    throw new BridgeError('NATIVE_UNAVAILABLE', 'the linac_native addon did not load; run `npm install` or `npm run build:native`', { cause });
  }
  return cached;
}
