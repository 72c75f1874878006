/**
 * ISO-8601 instants → DICOM DA (YYYYMMDD) and TM (HHMMSS.FFFFFF), in UTC: the
 * record says so with Timezone Offset From UTC (0008,0201) = "+0000"
 * (PS3.3 C.12.1.1.8, PS3.5 6.2 DA/TM).
 */
import { BridgeError } from '../../core/bridge-error.js';

export interface DicomDateTime {
  readonly date: string;
  readonly time: string;
}

/** DA and TM of an instant, UTC, to the millisecond. */
export function dicomDateTime(iso: string, field: string): DicomDateTime {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new BridgeError('INPUT_INVALID', `not an ISO-8601 instant: ${iso}`, { field, actual: iso });
  const s = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  return { date: s.slice(0, 10).replace(/-/g, ''), time: `${s.slice(11, 19).replace(/:/g, '')}.${s.slice(20, 23)}` };
}

export const UTC_OFFSET = '+0000';
