/**
 * The intrafraction monitoring stream (surface guidance, kV or EM tracking) as
 * an Observable of samples stamped with the bridge's clock on arrival.
 * Malformed samples are counted and dropped: they are not evidence that the
 * stream is alive, so a stream of garbage goes stale like a silent one. So are
 * samples whose sequence number does not advance (strictly increasing within
 * one connection): a frozen tracker repeating its last sample is not alive.
 */
import { Observable } from 'rxjs';
import type { Clock } from '../core/clock.js';
import { decodeMotionMessage } from '../protocol/motion-message.js';
import { splitJsonLines } from '../protocol/registration-message.js';
import type { ByteLink } from '../transport/byte-link.js';

export interface MotionLinkSample {
  readonly atMs: number;
  readonly offsetMm: [number, number, number];
  readonly seq: number;
  readonly sentAtMs?: number;
}

export interface MotionLinkCounters {
  /** Malformed samples. */
  rejected: number;
  /** Well-formed samples whose seq did not advance past the last accepted one. */
  repeated?: number;
}

export function motionSamples(link: ByteLink, clock: Clock, counters: MotionLinkCounters = { rejected: 0 }): Observable<MotionLinkSample> {
  return new Observable<MotionLinkSample>((sub) => {
    let buffer = '';
    let lastSeq = -Infinity;
    link.onData((chunk) => {
      const atMs = clock.nowMs();
      const { values, rest } = splitJsonLines(buffer + chunk.toString('utf8'));
      buffer = rest.length > 4096 ? '' : rest;
      for (const v of values) {
        const s = v.ok ? decodeMotionMessage(v.value) : undefined;
        if (!s || !Number.isSafeInteger(s.seq)) counters.rejected++;
        else if (s.seq <= lastSeq) counters.repeated = (counters.repeated ?? 0) + 1;
        else {
          lastSeq = s.seq;
          sub.next({ atMs, ...s });
        }
      }
    });
    link.onClose(() => sub.complete());
    return () => void link.close();
  });
}
