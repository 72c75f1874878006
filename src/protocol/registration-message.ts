/**
 * CBCT registration result as it arrives on the wire (newline-delimited JSON).
 * Untrusted: the bridge validates every field (src/domain/registration/).
 * Units are explicit in the message and checked, never assumed.
 */
import type { BridgeError } from '../core/bridge-error.js';
import { JSON_LIMITS, parseJsonWithin, type JsonLimits } from '../core/json-limits.js';
export interface RegistrationMessage {
  readonly id: string;
  readonly patientId: string;
  readonly planId: string;
  readonly fraction: number;
  readonly imageSeries: string;
  /** ISO-8601 times. */
  readonly acquiredAt: string;
  readonly registeredAt: string;
  readonly method: 'bony' | 'soft-tissue' | 'fiducial';
  readonly roiName: string;
  /**
   * Frame of the correction: `room` (IEC 61217 fixed axes, e.g. an imager fixed in the room) or
   * `tableTop` (the table top's axes, e.g. a CBCT reconstructed in the patient's frame).
   * Optional on the wire; without it the bridge refuses the correction while the couch is turned.
   */
  readonly frame?: 'room' | 'tableTop';
  /** Correction to apply to the patient about the isocentre, in `frame`'s axes. */
  readonly correction: {
    readonly lateral: number;
    readonly longitudinal: number;
    readonly vertical: number;
    readonly pitch: number;
    readonly roll: number;
    readonly yaw: number;
  };
  readonly units: { readonly translation: 'mm'; readonly rotation: 'deg' | 'rad' };
  /** Registration quality (e.g. normalised mutual information), 0..1. */
  readonly quality: number;
  readonly source: string;
}

export function encodeRegistrationLine(m: RegistrationMessage): string {
  return `${JSON.stringify(m)}\n`;
}

export type JsonLine = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly line: string; readonly refusal?: BridgeError };

/**
 * Splits NDJSON; returns parsed values (unknown: to be validated) and the
 * incomplete tail. A line over the size or depth limit is refused before it
 * is parsed: `{ ok: false, line: '', refusal }` (its text is not kept).
 */
export function splitJsonLines(buffer: string, limits: JsonLimits = JSON_LIMITS.registration): { values: JsonLine[]; rest: string } {
  const parts = buffer.split('\n');
  const rest = parts.pop() ?? '';
  const values = parts
    .filter((l) => l.trim().length > 0)
    .map((line): JsonLine => {
      const r = parseJsonWithin(line, 'registration.body', limits);
      if (r.ok) return { ok: true, value: r.value };
      return r.error.code === 'LIMIT_EXCEEDED' ? { ok: false, line: '', refusal: r.error } : { ok: false, line };
    });
  return { values, rest };
}
