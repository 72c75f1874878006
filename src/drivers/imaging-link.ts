/**
 * Registration results from the imaging system as an Observable of untrusted
 * values (newline-delimited JSON over TCP). Lines that are not JSON become
 * `{ ok: false }` items; the stream never errors on bad data.
 */
import { Observable } from 'rxjs';
import type { ByteLink } from '../transport/byte-link.js';
import { splitJsonLines } from '../protocol/registration-message.js';

export type RawRegistration = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly line: string };

/** Lines longer than this are discarded: a result is a few hundred bytes. */
const MAX_LINE_CHARS = 64 * 1024;

export function registrationMessages(link: ByteLink): Observable<RawRegistration> {
  return new Observable<RawRegistration>((sub) => {
    let buffer = '';
    link.onData((chunk) => {
      const { values, rest } = splitJsonLines(buffer + chunk.toString('utf8'));
      buffer = rest.length > MAX_LINE_CHARS ? '' : rest;
      for (const v of values) sub.next(v);
    });
    link.onClose(() => sub.complete());
    return () => void link.close();
  });
}
