/**
 * A copy of a journal record that `JSON.stringify` can always serialise:
 * nesting cut at MAX_RECORD_DEPTH, cycles cut, errors and typed arrays made
 * plain, BigInts as strings. The copy recurses at most MAX_RECORD_DEPTH
 * levels, so no value, however deep, can overflow the stack in `append`
 * (24 KB of nested brackets once did, and took the bridge down with it).
 */

/** Inputs are refused beyond 32 levels (core/json-limits); records wrap them in a few more. */
export const MAX_RECORD_DEPTH = 64;

export const CUT_DEPTH = `[cut: nested deeper than ${MAX_RECORD_DEPTH} levels]`;
export const CUT_CIRCULAR = '[cut: circular reference]';

export function boundedForJson(value: unknown): unknown {
  return copy(value, 0, []);
}

function copy(v: unknown, depth: number, ancestors: object[]): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return v; // undefined and functions: JSON.stringify drops them as it always did
  if (depth >= MAX_RECORD_DEPTH) return CUT_DEPTH;
  if (ancestors.includes(v)) return CUT_CIRCULAR;
  const toJson = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJson === 'function') {
    const j = (toJson as () => unknown).call(v);
    return j === v ? plain(v, depth, ancestors) : copy(j, depth, ancestors);
  }
  return plain(v, depth, ancestors);
}

function plain(v: object, depth: number, ancestors: object[]): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  ancestors.push(v);
  try {
    if (Array.isArray(v)) return v.map((x) => copy(x, depth + 1, ancestors));
    const src = v instanceof Error ? { name: v.name, message: v.message, ...(v as unknown as Record<string, unknown>) } : (v as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(src)) out[k] = copy(x, depth + 1, ancestors);
    return out;
  } finally {
    ancestors.pop();
  }
}
