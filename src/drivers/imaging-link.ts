/**
 * Registration results from the imaging system as an Observable of untrusted
 * values (newline-delimited JSON over TCP). Lines that are not JSON, or are
 * too large or too deep, become `{ ok: false }` items; the stream never errors on bad data.
 */
import { Observable } from 'rxjs';
import type { ByteLink } from '../transport/byte-link.js';
import { JSON_LIMITS, tooLarge } from '../core/json-limits.js';
import { splitJsonLines, type JsonLine } from '../protocol/registration-message.js';

export type RawRegistration = JsonLine;

/** A line longer than this is skipped up to its newline and refused (with its size): a result is a few hundred bytes. */
const MAX_LINE_BYTES = JSON_LIMITS.registration.maxBytes;

export function registrationMessages(link: ByteLink): Observable<RawRegistration> {
  return new Observable<RawRegistration>((sub) => {
    let buffer = '';
    let skippedBytes = 0; // > 0 while an over-long line is being skipped
    link.onData((chunk) => {
      let text = chunk.toString('utf8');
      if (skippedBytes > 0) {
        const nl = text.indexOf('\n');
        skippedBytes += Buffer.byteLength(nl < 0 ? text : text.slice(0, nl));
        if (nl < 0) return;
        sub.next({ ok: false, line: '', refusal: tooLarge('registration.body', skippedBytes, JSON_LIMITS.registration) });
        skippedBytes = 0;
        text = text.slice(nl + 1);
      }
      const { values, rest } = splitJsonLines(buffer + text);
      for (const v of values) sub.next(v);
      if (Buffer.byteLength(rest) > MAX_LINE_BYTES) {
        skippedBytes = Buffer.byteLength(rest);
        buffer = '';
      } else buffer = rest;
    });
    link.onClose(() => sub.complete());
    return () => void link.close();
  });
}
