/**
 * Load shedding at the registration edge. An imaging system sends a result every
 * few minutes; a flood (a runaway client, a scan) must not take the event loop
 * that polls the devices and runs the interlocks. A token bucket bounds the rate
 * of requests let in for validation, a counter bounds the requests in progress;
 * the rest are refused at once (HTTP 429 / 503, WebSocket close 1013) without
 * reading or parsing their bodies. Refusals are not journaled one by one (that
 * would be the flood again): `report$` gives one summary when shedding starts
 * and then one per `reportEveryMs` while it goes on, with the counts.
 */
import { Subject } from 'rxjs';
import { systemClock, type Clock } from '../../core/clock.js';

export interface LoadLimits {
  /** Sustained requests per second let in for validation. */
  readonly ratePerS: number;
  /** Requests let in at once after a quiet period. */
  readonly burst: number;
  /** Requests being read or validated at one time. */
  readonly maxInFlight: number;
  readonly reportEveryMs: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = { ratePerS: 10, burst: 20, maxInFlight: 8, reportEveryMs: 1000 };

export type ShedReason = 'rate' | 'in-flight';

export interface ShedReport {
  /** Refused since the last report, by reason. */
  readonly shed: Readonly<Record<ShedReason, number>>;
  readonly admittedSinceLast: number;
  readonly sinceMs: number;
  readonly atMs: number;
  readonly limits: LoadLimits;
}

export class LoadShedder {
  readonly report$ = new Subject<ShedReport>();
  private tokens: number;
  private refilledAtMs: number;
  private inFlight = 0;
  private shed: Record<ShedReason, number> = { rate: 0, 'in-flight': 0 };
  private admitted = 0;
  private periodStartMs: number;
  private lastReportMs: number | undefined;

  constructor(readonly limits: LoadLimits = DEFAULT_LOAD_LIMITS, private readonly clock: Clock = systemClock) {
    this.tokens = limits.burst;
    this.refilledAtMs = clock.nowMs();
    this.periodStartMs = this.refilledAtMs;
  }

  /** Admits one request (call `done` when it is finished) or says why not. */
  admit(): { ok: true; done: () => void } | { ok: false; reason: ShedReason; retryAfterS: number } {
    const now = this.clock.nowMs();
    this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.refilledAtMs) / 1000) * this.limits.ratePerS);
    this.refilledAtMs = now;
    const reason: ShedReason | undefined = this.inFlight >= this.limits.maxInFlight ? 'in-flight' : this.tokens < 1 ? 'rate' : undefined;
    if (reason) {
      this.shed[reason]++;
      this.maybeReport(now);
      return { ok: false, reason, retryAfterS: Math.max(1, Math.ceil((1 - this.tokens) / this.limits.ratePerS)) };
    }
    this.tokens -= 1;
    this.inFlight++;
    this.admitted++;
    this.maybeReport(now);
    let finished = false;
    return { ok: true, done: () => void (finished || ((finished = true), this.inFlight--)) };
  }

  /** Reports what is left unreported (at close). */
  flush(): void {
    if (this.shed.rate + this.shed['in-flight'] > 0) this.emit(this.clock.nowMs());
  }

  private maybeReport(now: number): void {
    const shedding = this.shed.rate + this.shed['in-flight'] > 0;
    if (!shedding) return;
    // the first refusal after a quiet period is reported at once; then one summary per period
    if (this.lastReportMs === undefined || now - this.lastReportMs >= this.limits.reportEveryMs) this.emit(now);
  }

  private emit(now: number): void {
    this.report$.next({ shed: { ...this.shed }, admittedSinceLast: this.admitted, sinceMs: this.periodStartMs, atMs: now, limits: this.limits });
    this.shed = { rate: 0, 'in-flight': 0 };
    this.admitted = 0;
    this.periodStartMs = now;
    this.lastReportMs = now;
  }
}
