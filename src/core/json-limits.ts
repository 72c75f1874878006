/**
 * Size and nesting limits for untrusted JSON, checked BEFORE anything parses,
 * copies or serialises it. `JSON.parse` in V8 does not recurse, but
 * `JSON.stringify`, zod and every tree walk do: 24 KB of `[[[…]]]` overflowed
 * the stack in the journal and killed the bridge. So every JSON input (HTTP,
 * WebSocket, drop folder, imaging link, plan, config) is measured here first
 * and refused whole, with its size and depth (never its body) in the error.
 */
import { BridgeError } from './bridge-error.js';
import { err, ok, type Result } from './result.js';

export interface JsonLimits {
  readonly maxBytes: number;
  /** Deepest nesting of arrays and objects; the outermost `{` or `[` is depth 1. */
  readonly maxDepth: number;
}

/** No legitimate input nests deeper than 8 (a plan: plan → beams → beam → segments → segment → rows → interval). */
export const MAX_JSON_DEPTH = 32;

export const JSON_LIMITS = {
  /** A registration result is a few hundred bytes. */
  registration: { maxBytes: 64 * 1024, maxDepth: MAX_JSON_DEPTH },
  /** 20 beams × 500 segments × 160 leaf pairs fit in a few MB. */
  plan: { maxBytes: 16 * 1024 * 1024, maxDepth: MAX_JSON_DEPTH },
  /** Bridge config and device models. */
  config: { maxBytes: 1024 * 1024, maxDepth: MAX_JSON_DEPTH },
} as const satisfies Record<string, JsonLimits>;

export interface JsonMeasure {
  readonly bytes: number;
  readonly depth: number;
}

const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Deepest nesting of `[`/`{` outside strings, in one pass without recursion.
 * Works on UTF-8 bytes or on a string: the structural characters are ASCII,
 * and neither UTF-8 continuation bytes nor UTF-16 surrogates can equal them.
 * Text that is not JSON still gets a number; the parser refuses it later.
 */
export function jsonDepth(text: string | Uint8Array): number {
  const isString = typeof text === 'string';
  const n = text.length;
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = isString ? text.charCodeAt(i) : text[i];
    if (inString) {
      if (c === BACKSLASH) i++; // the escaped character cannot end the string
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth++;
      if (depth > max) max = depth;
    } else if ((c === CLOSE_BRACKET || c === CLOSE_BRACE) && depth > 0) depth--;
  }
  return max;
}

export function byteLength(text: string | Uint8Array): number {
  return typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : text.length;
}

/** The size refusal, for callers that learn the size before they have the text (a stream, a file). */
export function tooLarge(what: string, bytes: number | string, limits: JsonLimits): BridgeError {
  return new BridgeError('LIMIT_EXCEEDED', 'JSON input too large', { field: `${what}.bytes`, actual: bytes, limit: limits.maxBytes, unit: 'bytes' });
}

/** Checks size, then depth; the error names `<what>.bytes` or `<what>.depth`. */
export function checkJsonLimits(text: string | Uint8Array, what: string, limits: JsonLimits): Result<JsonMeasure, BridgeError> {
  const bytes = byteLength(text);
  if (bytes > limits.maxBytes) return err(tooLarge(what, bytes, limits));
  const depth = jsonDepth(text);
  if (depth > limits.maxDepth) return err(new BridgeError('LIMIT_EXCEEDED', 'JSON nests too deeply', { field: `${what}.depth`, actual: depth, limit: limits.maxDepth, unit: 'levels' }));
  return ok({ bytes, depth });
}

/**
 * Measures, then parses. A syntax error is `INPUT_INVALID` naming `what`;
 * callers re-code it (PLAN_INVALID, CONFIG_INVALID) where their layer has one.
 */
export function parseJsonWithin(text: string | Uint8Array, what: string, limits: JsonLimits): Result<unknown, BridgeError> {
  const m = checkJsonLimits(text, what, limits);
  if (!m.ok) return m;
  try {
    return ok(JSON.parse(typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8')) as unknown);
  } catch (cause) {
    return err(new BridgeError('INPUT_INVALID', `not valid JSON: ${(cause as Error).message.slice(0, 200)}`, { field: what, cause }));
  }
}
