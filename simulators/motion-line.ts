/** Encodes one motion sample line (the shape of src/protocol/motion-message.ts). */
import type { MotionMessage } from '../src/protocol/motion-message.js';

export function encodeMotionLine(seq: number, offsetMm: readonly [number, number, number], sentAtMs: number): string {
  const m: MotionMessage = { seq, offset: { lateral: offsetMm[0], longitudinal: offsetMm[1], vertical: offsetMm[2] }, units: 'mm', sentAtMs };
  return `${JSON.stringify(m)}\n`;
}
