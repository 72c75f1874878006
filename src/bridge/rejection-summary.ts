/**
 * Rate-limited printing of rejected imaging-link input. Garbage on the link
 * (a line that is not JSON, or too large) is refused line by line and every
 * refusal is journaled by the session; printed one line each, a flood of it
 * would flood the operator's log too. As the load shedder does for HTTP floods
 * (registration-sources/load-shedder.ts), the first rejection after a quiet
 * period is printed at once with its message, the next ones are counted, and
 * one summary with the count and the last message is printed per `everyMs`
 * while they go on; `flush()` prints what is left (at close).
 */
import { systemClock, type Clock } from '../core/clock.js';

export const REJECTION_SUMMARY_EVERY_MS = 1000;

export class RejectionSummary {
  private counted = 0;
  private last = '';
  private sinceMs = 0;
  private lastPrintMs: number | undefined;

  constructor(private readonly print: (line: string) => void, private readonly clock: Clock = systemClock, private readonly everyMs = REJECTION_SUMMARY_EVERY_MS) {}

  /** One rejected input with its (printable) message. */
  reject(msg: string): void {
    const now = this.clock.nowMs();
    if (this.lastPrintMs === undefined || now - this.lastPrintMs >= this.everyMs) {
      if (this.counted > 0) this.summarise(now);
      if (this.lastPrintMs === undefined || now - this.lastPrintMs >= this.everyMs) {
        this.print(msg);
        this.lastPrintMs = now;
        this.sinceMs = now;
        return;
      }
    }
    if (this.counted === 0) this.sinceMs = now;
    this.counted++;
    this.last = msg;
  }

  /** Prints the count not yet printed, if any. */
  flush(): void {
    if (this.counted > 0) this.summarise(this.clock.nowMs());
  }

  private summarise(now: number): void {
    this.print(`${this.counted} more imaging-link input${this.counted === 1 ? '' : 's'} rejected in ${((now - this.sinceMs) / 1000).toFixed(1)} s (every one journaled; last: ${this.last})`);
    this.counted = 0;
    this.lastPrintMs = now;
  }
}
