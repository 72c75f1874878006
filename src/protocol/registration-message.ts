/**
 * CBCT registration result as it arrives on the wire (newline-delimited JSON).
 * Untrusted: the bridge validates every field (src/domain/registration/).
 * Units are explicit in the message and checked, never assumed.
 */
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

/** Splits NDJSON; returns parsed values (unknown: to be validated) and the incomplete tail. */
export function splitJsonLines(buffer: string): { values: Array<{ ok: true; value: unknown } | { ok: false; line: string }>; rest: string } {
  const parts = buffer.split('\n');
  const rest = parts.pop() ?? '';
  const values = parts
    .filter((l) => l.trim().length > 0)
    .map((line) => {
      try {
        return { ok: true as const, value: JSON.parse(line) as unknown };
      } catch {
        return { ok: false as const, line };
      }
    });
  return { values, rest };
}
