/**
 * DICOM date and time (DA `YYYYMMDD`, TM `HH[MM[SS[.F{1,6}]]]`) to epoch ms.
 * With Timezone Offset From UTC (0008,0201, `±HHMM`) the offset is used; without
 * it the offset is undefined (PS3.3 C.12.1, Table C.12-1) and the time is taken
 * as the site's local time, read in `localTimeZone` (IANA name, configured). In a repeated local hour (the DST
 * fall-back) the earlier instant is taken: the registration then looks older,
 * never newer, than it is.
 */
import { BridgeError } from '../../core/bridge-error.js';

const bad = (field: string, actual: string, limit: string) => new BridgeError('REG_INVALID', 'not a valid DICOM date/time', { field: `dicom.${field}`, actual, limit });

/** Offset of `zone` from UTC at the instant `epochMs`, in ms (east positive). */
function zoneOffsetMs(epochMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(epochMs));
  const n = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** Wall-clock fields in `zone` to epoch ms; the earlier instant when the wall time occurs twice. */
export function zonedToEpochMs(wallAsUtcMs: number, zone: string): number {
  const candidates = new Set<number>();
  // offsets either side of the instant cover both sides of a DST change
  for (const probe of [wallAsUtcMs - 86_400_000, wallAsUtcMs, wallAsUtcMs + 86_400_000]) {
    const t = wallAsUtcMs - zoneOffsetMs(probe, zone);
    if (t + zoneOffsetMs(t, zone) === wallAsUtcMs) candidates.add(t);
  }
  // a wall time skipped by DST (spring forward) has no instant: read it with the earlier offset
  return candidates.size ? Math.min(...candidates) : wallAsUtcMs - zoneOffsetMs(wallAsUtcMs - 86_400_000, zone);
}

export interface DicomTimeFields {
  readonly date: unknown;
  readonly time: unknown;
  readonly offset: unknown;
  readonly dateField: string;
  readonly timeField: string;
}

/** Epoch ms of a DA/TM pair, or REG_INVALID naming the attribute. */
export function dicomDateTimeToEpochMs(f: DicomTimeFields, localTimeZone: string): number {
  const d = String(f.date ?? '').trim();
  const t = String(f.time ?? '').trim();
  const dm = /^(\d{4})(\d{2})(\d{2})$/.exec(d);
  if (!dm) throw bad(f.dateField, d, 'YYYYMMDD');
  const tm = /^(\d{2})(\d{2})?(\d{2})?(?:\.(\d{1,6}))?$/.exec(t);
  if (!tm) throw bad(f.timeField, t, 'HH[MM[SS[.FFFFFF]]]');
  const [y, mo, da] = [Number(dm[1]), Number(dm[2]), Number(dm[3])];
  const [h, mi, s] = [Number(tm[1]), Number(tm[2] ?? 0), Number(tm[3] ?? 0)];
  const ms = Math.floor(Number(`0.${tm[4] ?? '0'}`) * 1000);
  const wall = Date.UTC(y, mo - 1, da, h, mi, s, ms);
  const back = new Date(wall);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== da || h > 23 || mi > 59 || s > 60) throw bad(`${f.dateField}/${f.timeField}`, `${d} ${t}`, 'a calendar date and a time of day');
  const off = String(f.offset ?? '').trim();
  if (off === '') return zonedToEpochMs(wall, localTimeZone);
  const om = /^([+-])(\d{2})(\d{2})$/.exec(off);
  if (!om || Number(om[3]) > 59) throw bad('TimezoneOffsetFromUTC', off, '±HHMM');
  const sign = om[1] === '-' ? -1 : 1;
  return wall - sign * (Number(om[2]) * 3_600_000 + Number(om[3]) * 60_000);
}
