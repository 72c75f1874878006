/**
 * The one parser for CLI values, used by every command; each throws a
 * BridgeError (INPUT_INVALID, exit 2) naming the option and the expected form.
 * Numbers are plain decimals only: `Number()` would read `0x10` as 16, `''`
 * as 0, `1e3` and ` 5 ` loosely, and `abc` as NaN that slipped through as null.
 */
import { BridgeError } from '../core/bridge-error.js';
import type { Pose6 } from '../core/pose.js';

/** Optional sign, digits with an optional fraction, optional exponent. No hex, octal, binary, Infinity, NaN or blanks. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  /** The value must be greater than min, not equal to it. */
  readonly minExclusive?: boolean;
  readonly integer?: boolean;
  readonly unit?: string;
}

function describe(r: NumberRule): string {
  const lo = r.min === undefined ? '' : `${r.min} ${r.minExclusive ? '<' : '<='} `;
  const hi = r.max === undefined ? '' : ` <= ${r.max}`;
  return `${r.integer ? 'integer' : 'decimal'}${lo || hi ? `, ${lo}value${hi}` : ''}`;
}

export function parseNumber(text: string, option: string, rule: NumberRule = {}): number {
  const bad = (summary: string) => new BridgeError('INPUT_INVALID', summary, { field: option, actual: JSON.stringify(text), limit: describe(rule), unit: rule.unit });
  if (typeof text !== 'string' || !DECIMAL.test(text)) throw bad('not a decimal number');
  const v = Number(text);
  if (!Number.isFinite(v)) throw bad('not a finite number');
  if (rule.integer && !Number.isInteger(v)) throw bad('not an integer');
  const belowMin = rule.min !== undefined && (rule.minExclusive ? v <= rule.min : v < rule.min);
  if (belowMin || (rule.max !== undefined && v > rule.max)) throw bad('out of range');
  return v;
}

/** `count` comma-separated numbers, each by the same rule. */
export function parseNumberList(text: string, option: string, count: number, rule: NumberRule = {}): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== count) throw new BridgeError('INPUT_INVALID', `expected ${count} comma-separated numbers`, { field: option, actual: JSON.stringify(text) });
  return parts.map((p) => parseNumber(p, option, rule));
}

export function parsePose(text: string, option: string): Pose6 {
  const [lateralMm, longitudinalMm, verticalMm, pitchDeg, rollDeg, yawDeg] = parseNumberList(text, option, 6);
  return { lateralMm, longitudinalMm, verticalMm, pitchDeg, rollDeg, yawDeg };
}

/** 0 < value <= max. */
export function parsePositive(text: string, option: string, max: number, unit?: string): number {
  return parseNumber(text, option, { min: 0, minExclusive: true, max, unit });
}

/** Integer 0..max. */
export function parseCount(text: string, option: string, max: number): number {
  return parseNumber(text, option, { min: 0, max, integer: true });
}

/** A TCP port: integer 0..65535 (0: any free port). */
export function parsePort(text: string, option: string): number {
  return parseNumber(text, option, { min: 0, max: 65535, integer: true });
}
