import { describe, expect, it } from 'vitest';
import { checkJsonLimits, jsonDepth, parseJsonWithin } from '../../src/core/json-limits.js';

/** Reference: depth of the parsed value by a plain recursive walk (fine for small test values). */
const parsedDepth = (v: unknown): number =>
  v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as object).map(parsedDepth)) : 0;

describe('jsonDepth', () => {
  it.each([
    ['1', 0],
    ['[]', 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['["[[[[", "}}}"]', 1],
    ['{"a\\"[[[":"\\\\"}', 1],
    ['["\\\\", [["x"]]]', 3],
    ['{"é😀[":[["ü"]]}', 3],
  ])('counts nesting outside strings: %s has depth %i', (text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
    expect(jsonDepth(Buffer.from(text, 'utf8'))).toBe(depth);
  });

  it('agrees with a recursive walk of the parsed value on generated documents', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const gen = (d: number): unknown => {
      const r = rnd();
      if (d > 6 || r < 0.3) return rnd() < 0.5 ? 'x[{"\\' : 1.5;
      if (r < 0.65) return Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => gen(d + 1));
      return Object.fromEntries(Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, i) => [`k${i}]"`, gen(d + 1)]));
    };
    for (let i = 0; i < 200; i++) {
      const v = gen(0);
      expect(jsonDepth(JSON.stringify(v))).toBe(parsedDepth(v));
    }
  });

  it('measures 24 KB of nested brackets without recursion', () => {
    expect(jsonDepth('['.repeat(12_000) + ']'.repeat(12_000))).toBe(12_000);
  });
});

describe('checkJsonLimits and parseJsonWithin', () => {
  const limits = { maxBytes: 100, maxDepth: 3 };

  it('refuses a body over the size limit by its byte count (UTF-8), naming <what>.bytes', () => {
    const r = checkJsonLimits(`"${'é'.repeat(50)}"`, 'body', limits);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'LIMIT_EXCEEDED', field: 'body.bytes', actual: 102, limit: 100, unit: 'bytes' });
  });

  it('refuses nesting deeper than the limit, naming <what>.depth with the depth found', () => {
    const r = parseJsonWithin('[[[[1]]]]', 'body', limits);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'LIMIT_EXCEEDED', field: 'body.depth', actual: 4, limit: 3 });
  });

  it('parses JSON within the limits and reports a syntax error as INPUT_INVALID', () => {
    expect(parseJsonWithin('[[[1]]]', 'body', limits)).toEqual({ ok: true, value: [[[1]]] });
    const bad = parseJsonWithin('{ nope', 'body', limits);
    expect(bad.ok || bad.error.code).toBe('INPUT_INVALID');
  });
});
