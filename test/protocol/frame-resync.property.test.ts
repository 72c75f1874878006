import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, MAX_LEN, MIN_LEN, encodeFrame, type Frame } from '../../src/protocol/frame-codec.js';

// Properties of the resynchronisation rule in docs/protocols/framing.md: garbage between frames loses
// no frame, and damage inside frames loses at most the frames it touches. Garbage is biased towards
// what hurts a length-prefixed decoder: false sync patterns with a plausible length, torn frames.
// Fixed seeds keep the runs reproducible.

const frameArb = fc.record({
  seq: fc.integer({ min: 0, max: 0xffffffff }),
  cmd: fc.integer({ min: 0, max: 255 }),
  payload: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
});

const falseHeader = fc
  .tuple(fc.integer({ min: MIN_LEN, max: MAX_LEN }), fc.uint8Array({ maxLength: 12 }))
  .map(([len, tail]) => Buffer.concat([Buffer.from([0xa5, 0x5a, len & 0xff, len >> 8]), tail]));
const tornFrame = fc.tuple(frameArb, fc.nat()).map(([f, n]) => {
  const bytes = encodeFrame(f);
  return bytes.subarray(0, 1 + (n % (bytes.length - 1))); // never the whole frame
});
const garbageArb = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => Buffer.from(a)),
  fc.constant(Buffer.from('a55aff03', 'hex')),
  falseHeader,
  tornFrame,
);

/** Feeds bytes to a fresh decoder in chunks of the given sizes (cycled); returns the good frames. */
function decode(bytes: Buffer, chunkSizes: number[]): Frame[] {
  const d = new FrameDecoder();
  const out: Frame[] = [];
  for (let off = 0, k = 0; off < bytes.length; k++) {
    const n = chunkSizes[k % chunkSizes.length];
    for (const r of d.push(bytes.subarray(off, off + n))) if (r.ok) out.push(r.frame);
    off += n;
  }
  return out;
}

const same = (a: Frame, b: Frame) => a.seq === b.seq && a.cmd === b.cmd && a.payload.equals(b.payload);

/**
 * Matches `want` in order against `got`: returns the frames of `want` not found and the frames of
 * `got` that are not in `want` (garbage that is itself a frame with a good CRC).
 */
function compare(want: Frame[], got: Frame[]): { lost: number; extra: number } {
  let i = 0;
  let extra = 0;
  for (const g of got) {
    const j = want.findIndex((w, k) => k >= i && same(w, g));
    if (j < 0) extra++;
    else i = j + 1;
  }
  return { lost: want.length - (got.length - extra), extra };
}

/**
 * The property, exactly: every frame arrives, except that a frame may be lost to garbage that itself
 * decodes as a frame by borrowing its bytes: a frame torn just before its last CRC byte, when the
 * byte after it completes the CRC (1 in 256 for a frame torn there), or a false header whose span
 * ends on a good CRC (2^-16). No decoder can tell those apart from a real frame; each costs at most
 * the one frame it borrows from.
 */
function expectNoLoss(want: Frame[], got: Frame[], damaged: Frame[] = []): void {
  // a damaged frame may still arrive (garbage that rewrote its bytes with the same values): not an extra
  const kept = got.filter((g) => want.some((w) => same(w, g)) || !damaged.some((d) => same(d, g)));
  const { lost, extra } = compare(want, kept);
  expect(lost).toBeLessThanOrEqual(extra);
}

const chunks = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 });

describe('frame decoder resynchronisation (property)', () => {
  it('loses no frame when random garbage is inserted between valid frames', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(frameArb, fc.option(garbageArb, { nil: undefined })), { minLength: 1, maxLength: 12 }), chunks, (items, sizes) => {
        const frames = items.map(([f]) => f);
        const bytes = Buffer.concat(items.flatMap(([f, g]) => (g ? [g, encodeFrame(f)] : [encodeFrame(f)])));
        expectNoLoss(frames, decode(bytes, sizes));
      }),
      { seed: 20261126, numRuns: 400 },
    );
  });

  it('loses at most the frames that garbage overwrites', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 2, maxLength: 10 }),
        fc.array(fc.tuple(fc.nat(), garbageArb), { minLength: 1, maxLength: 3 }),
        chunks,
        (frames, hits, sizes) => {
          const encoded = frames.map((f) => encodeFrame(f));
          const starts = encoded.map((_, i) => encoded.slice(0, i).reduce((n, b) => n + b.length, 0));
          const bytes = Buffer.concat(encoded);
          const touched = new Set<number>();
          for (const [at, g] of hits) {
            const from = at % bytes.length;
            const to = Math.min(bytes.length, from + g.length);
            g.copy(bytes, from, 0, to - from);
            encoded.forEach((e, i) => {
              if (from < starts[i] + e.length && to > starts[i]) touched.add(i);
            });
          }
          const untouched = frames.filter((_, i) => !touched.has(i));
          expectNoLoss(untouched, decode(bytes, sizes), frames.filter((_, i) => touched.has(i)));
        },
      ),
      { seed: 8, numRuns: 400 },
    );
  });
});
