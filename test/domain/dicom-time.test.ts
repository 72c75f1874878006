import { describe, expect, it } from 'vitest';
import { dicomDateTimeToEpochMs } from '../../src/domain/registration/dicom-time.js';

const at = (date: string, time: string, offset: string | undefined, zone = 'UTC') => new Date(dicomDateTimeToEpochMs({ date, time, offset, dateField: 'ContentDate', timeField: 'ContentTime' }, zone)).toISOString();

describe('DICOM date and time to an instant', () => {
  it('uses Timezone Offset From UTC when present, whatever the local zone', () => {
    expect(at('20260315', '101500', '+0100', 'America/New_York')).toBe('2026-03-15T09:15:00.000Z');
    expect(at('20260315', '101500.25', '-0530')).toBe('2026-03-15T15:45:00.250Z');
  });

  it('reads a time without an offset as local time in the configured zone (not as UTC)', () => {
    expect(at('20260315', '101500', undefined, 'America/New_York')).toBe('2026-03-15T14:15:00.000Z'); // EDT, UTC−4
    expect(at('20260115', '101500', '', 'America/New_York')).toBe('2026-01-15T15:15:00.000Z'); // EST, UTC−5
    expect(at('20260715', '1015', undefined, 'Europe/Berlin')).toBe('2026-07-15T08:15:00.000Z');
  });

  it('takes the earlier instant for a wall time that occurs twice (DST fall-back): the image looks older, never newer', () => {
    expect(at('20261101', '013000', undefined, 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
  });

  it('refuses malformed dates, times and offsets, naming the attribute', () => {
    expect(() => at('2026-03-15', '101500', undefined)).toThrowError(expect.objectContaining({ code: 'REG_INVALID', field: 'dicom.ContentDate' }));
    expect(() => at('20260315', '10:15:00', undefined)).toThrowError(expect.objectContaining({ field: 'dicom.ContentTime' }));
    expect(() => at('20260231', '101500', undefined)).toThrowError(expect.objectContaining({ field: 'dicom.ContentDate/ContentTime' }));
    expect(() => at('20260315', '101500', '+1')).toThrowError(expect.objectContaining({ field: 'dicom.TimezoneOffsetFromUTC' }));
  });
});
