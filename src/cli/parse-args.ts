/** Parsers for CLI values; each throws a BridgeError naming the option and the expected form. */
import { BridgeError } from '../core/bridge-error.js';
import type { Pose6 } from '../core/pose.js';

export function parseNumberList(text: string, option: string, count: number): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.length !== count || values.some((v, i) => parts[i] === '' || !Number.isFinite(v))) {
    throw new BridgeError('INPUT_INVALID', `expected ${count} comma-separated numbers`, { field: option, actual: text });
  }
  return values;
}

export function parsePose(text: string, option: string): Pose6 {
  const [lateralMm, longitudinalMm, verticalMm, pitchDeg, rollDeg, yawDeg] = parseNumberList(text, option, 6);
  return { lateralMm, longitudinalMm, verticalMm, pitchDeg, rollDeg, yawDeg };
}

export function parsePositive(text: string, option: string, max: number): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0 || v > max) throw new BridgeError('INPUT_INVALID', 'out of range', { field: option, actual: text, limit: `0 < value <= ${max}` });
  return v;
}

export function parseCount(text: string, option: string, max: number): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0 || v > max) throw new BridgeError('INPUT_INVALID', 'out of range', { field: option, actual: text, limit: `integer 0..${max}` });
  return v;
}
