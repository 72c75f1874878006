/**
 * Link freshness from evidence, not events: a link is fresh only while a valid
 * frame has arrived within `staleAfterMs`. It starts stale (no evidence yet).
 * Checked every staleAfterMs/8, so staleness is reported within
 * staleAfterMs·1.125 of the last valid frame; config keeps staleAfterMs ≤ 1.6
 * heartbeats, so a dead link is reported within two heartbeat periods.
 * With `identityRequired`, a link is fresh only once its device has proved
 * what it is (`identityConfirmed`), after every loss of the transport again:
 * a device that answers is not evidence unless it is the right device.
 */
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import type { Clock, TimerHandle } from '../core/clock.js';

export interface LinkHealth {
  readonly fresh: boolean;
  /** Clock time of the last valid frame, or undefined before the first one. */
  readonly lastValidRxMs: number | undefined;
}

export class LinkHealthMonitor {
  private lastRx: number | undefined;
  private lost = false;
  private identified: boolean;
  private readonly subject = new BehaviorSubject<LinkHealth>({ fresh: false, lastValidRxMs: undefined });
  private timer: TimerHandle | undefined;
  readonly health$: Observable<LinkHealth>;
  private readonly identityRequired: boolean;

  constructor(
    private readonly clock: Clock,
    readonly staleAfterMs: number,
    opts: { readonly identityRequired?: boolean } = {},
  ) {
    this.identified = !opts.identityRequired;
    this.identityRequired = opts.identityRequired === true;
    this.health$ = this.subject.pipe(distinctUntilChanged((a, b) => a.fresh === b.fresh));
  }

  start(): void {
    this.timer ??= this.clock.setInterval(() => this.check(), Math.max(1, this.staleAfterMs / 8));
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.subject.next({ fresh: false, lastValidRxMs: this.lastRx });
  }

  /** The transport went away: stale now, not when the last frame ages out; fresh again on the next valid frame. */
  invalidate(): void {
    this.lost = true;
    if (this.identityRequired) this.identified = false; // a reconnect may reach another device
    if (this.subject.value.fresh) this.subject.next({ fresh: false, lastValidRxMs: this.lastRx });
  }

  /** Records a valid frame. */
  touch(): void {
    this.lost = false;
    this.lastRx = this.clock.nowMs();
    if (!this.subject.value.fresh && this.identified) this.subject.next({ fresh: true, lastValidRxMs: this.lastRx });
  }

  /**
   * The device answered with the expected identity: its valid frames count as evidence from now on
   * (the identity reply among them, if the driver touched for it; the couch's does not, being no pose).
   */
  identityConfirmed(): void {
    this.identified = true;
    this.check();
  }

  /** The device has proved its identity since the transport was last lost (always true without `identityRequired`). */
  get isIdentified(): boolean {
    return this.identified;
  }

  /** Freshness judged now, from the last valid frame (not from the last timer check). */
  isFresh(): boolean {
    return this.identified && !this.lost && this.lastRx !== undefined && this.clock.nowMs() - this.lastRx <= this.staleAfterMs;
  }

  /** Clock time of the last valid frame (undefined before the first). */
  get lastValidRxMs(): number | undefined {
    return this.lastRx;
  }

  get current(): LinkHealth {
    return this.subject.value;
  }

  private check(): void {
    const fresh = this.isFresh();
    if (fresh !== this.subject.value.fresh) this.subject.next({ fresh, lastValidRxMs: this.lastRx });
  }
}
