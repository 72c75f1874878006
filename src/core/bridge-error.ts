/**
 * The one error type of linac-bridge. Codes are grouped by layer; `field`,
 * `limit`, `actual` and `unit` say exactly what was wrong so tests (and
 * operators) never have to parse the message.
 */
export type BridgeErrorCode =
  // config and input validation
  | 'CONFIG_INVALID'
  | 'INPUT_INVALID'
  | 'LIMIT_EXCEEDED'
  | 'PLAN_INVALID'
  // protocol / framing
  | 'FRAME_CRC'
  | 'FRAME_MALFORMED'
  | 'FRAME_UNEXPECTED'
  // links and devices
  | 'LINK_CLOSED'
  | 'LINK_STALE'
  | 'REQUEST_TIMEOUT'
  | 'DEVICE_REJECTED'
  | 'DEVICE_FAULT'
  // the device at the address is not the configured one (its identity registers or reply say so)
  | 'DEVICE_MISMATCH'
  // registration and session
  | 'REG_STALE'
  | 'REG_INVALID'
  | 'PATIENT_MISMATCH'
  | 'PERMIT_DENIED'
  // an earlier run of the same fraction stopped part-way: re-delivery in full is refused
  | 'FRACTION_INTERRUPTED'
  // the room's last session ended latched and no operator RESET cleared it
  | 'INTERLOCK_LATCHED'
  | 'NATIVE_UNAVAILABLE';

export interface BridgeErrorDetail {
  readonly field?: string;
  readonly limit?: string | number;
  readonly actual?: string | number;
  readonly unit?: string;
  readonly cause?: unknown;
}

export class BridgeError extends Error {
  readonly code: BridgeErrorCode;
  readonly field?: string;
  readonly limit?: string | number;
  readonly actual?: string | number;
  readonly unit?: string;
  /** The summary alone, without code, field and limit (to re-word an error, e.g. naming a file, without repeating them). */
  readonly summary: string;

  constructor(code: BridgeErrorCode, summary: string, detail: BridgeErrorDetail = {}) {
    super(BridgeError.compose(code, summary, detail), detail.cause === undefined ? undefined : { cause: detail.cause });
    this.name = 'BridgeError';
    this.code = code;
    this.summary = summary;
    this.field = detail.field;
    this.limit = detail.limit;
    this.actual = detail.actual;
    this.unit = detail.unit;
  }

  /** `couch.lateralMm = 12.3 mm exceeds the apply limit 3.0 mm` style message. */
  private static compose(code: BridgeErrorCode, summary: string, d: BridgeErrorDetail): string {
    const unit = d.unit ? ` ${d.unit}` : '';
    const lead = d.field !== undefined && d.actual !== undefined ? `${d.field} = ${String(d.actual)}${unit}: ` : d.field ? `${d.field}: ` : '';
    const limit = d.limit !== undefined ? ` (limit ${String(d.limit)}${unit})` : '';
    return `[${code}] ${lead}${summary}${limit}`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, field: this.field, limit: this.limit, actual: this.actual, unit: this.unit };
  }
}

export function isBridgeError(e: unknown): e is BridgeError {
  return e instanceof BridgeError;
}
