/**
 * Measures the bridge's own event-loop delay (Node's `perf_hooks.monitorEventLoopDelay`)
 * and reports it every `periodMs`: p50, p99 and max over the period, ms. A period
 * whose max exceeds `warnAboveMs` is reported as a warning too, so a link that went
 * stale while the bridge itself was not running shows up beside its cause.
 *
 * The bridge judges a link stale when no valid reply came for `staleAfterMs`
 * (150 ms by default, heartbeat 100 ms): a loop that stalls for more than the
 * difference delays the heartbeat itself. The default warning threshold is that
 * margin (see docs/timing.md).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopLagReport {
  /** Length of the period the figures cover, ms. */
  readonly periodMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The max exceeded the warning threshold. */
  readonly warning: boolean;
  readonly warnAboveMs: number;
}

export interface LoopLagOptions {
  readonly periodMs?: number;
  readonly warnAboveMs?: number;
  /** Sampling resolution of the histogram, ms (Node's default is 10). */
  readonly resolutionMs?: number;
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

export class LoopLagMonitor {
  private readonly histogram: IntervalHistogram;
  private timer: NodeJS.Timeout | undefined;
  private lastMs = 0;
  private readonly resolutionMs: number;
  readonly periodMs: number;
  readonly warnAboveMs: number;
  /** Worst delay seen since start, ms. */
  worstMs = 0;

  constructor(
    private readonly onReport: (r: LoopLagReport) => void,
    opts: LoopLagOptions = {},
  ) {
    this.periodMs = opts.periodMs ?? 1000;
    this.warnAboveMs = opts.warnAboveMs ?? 50;
    this.resolutionMs = opts.resolutionMs ?? 5;
    this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
  }

  start(): void {
    if (this.timer) return;
    this.histogram.enable();
    this.lastMs = performance.now();
    this.timer = setInterval(() => this.report(), this.periodMs);
    this.timer.unref();
  }

  /** Stops sampling and reports the last (partial) period. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.report();
    this.histogram.disable();
  }

  private report(): void {
    const now = performance.now();
    const h = this.histogram;
    if (h.count === 0) return;
    // the histogram holds the interval between its own timer's runs, in ns: the lag is what exceeds the resolution
    const lagMs = (ns: number): number => Math.max(0, ns / 1e6 - this.resolutionMs);
    const maxMs = lagMs(h.max);
    this.worstMs = Math.max(this.worstMs, maxMs);
    this.onReport({
      periodMs: round(now - this.lastMs),
      p50Ms: round(lagMs(h.percentile(50))),
      p99Ms: round(lagMs(h.percentile(99))),
      maxMs: round(maxMs),
      warning: maxMs > this.warnAboveMs,
      warnAboveMs: this.warnAboveMs,
    });
    h.reset();
    this.lastMs = now;
  }
}
