/**
 * Intrafraction target offsets on the wire (newline-delimited JSON), e.g.
 * `{"seq":12,"offset":{"lateral":0.4,"longitudinal":-1.2,"vertical":2.1},"units":"mm","sentAtMs":…}`.
 * Offsets are the target's displacement from its planned position, IEC 61217
 * table-top axes. `sentAtMs` is the sender's clock (latency measurement only).
 */
export interface MotionMessage {
  readonly seq: number;
  readonly offset: { readonly lateral: number; readonly longitudinal: number; readonly vertical: number };
  readonly units: 'mm';
  readonly sentAtMs?: number;
}

/** The offset in mm, or undefined for anything that is not a well-formed sample. */
export function decodeMotionMessage(v: unknown): { seq: number; offsetMm: [number, number, number]; sentAtMs?: number } | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const m = v as Record<string, unknown>;
  const o = m.offset as Record<string, unknown> | undefined;
  if (m.units !== 'mm' || !o || typeof m.seq !== 'number') return undefined;
  const xyz = [o.lateral, o.longitudinal, o.vertical];
  if (!xyz.every((x) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < 1000)) return undefined;
  return { seq: m.seq, offsetMm: xyz as [number, number, number], sentAtMs: typeof m.sentAtMs === 'number' ? m.sentAtMs : undefined };
}
