/**
 * Simulated intrafraction monitor: streams target offsets as NDJSON at a fixed
 * rate, replaying a breathing-like trace (sinusoid on the longitudinal and
 * vertical axes plus a slow drift plus a baseline shift that can be switched
 * on), or fixed offsets set by a test. It can stop sending.
 */
import { encodeMotionLine } from './motion-line.js';
import { StreamHost } from './stream-host.js';

export interface BreathingTrace {
  /** Peak-to-peak amplitude of the breathing motion, mm. */
  readonly amplitudeMm: number;
  readonly periodS: number;
  /** Slow drift along the vertical axis, mm per minute. */
  readonly driftMmPerMin: number;
}

export class MotionSource {
  private readonly writers = new Set<(b: Buffer) => void>();
  readonly host: StreamHost;
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private t0 = performance.now();
  /** Added to every sample (a sudden baseline shift), mm. */
  baselineShiftMm: [number, number, number] = [0, 0, 0];
  /** When set, samples carry exactly this offset instead of the trace. */
  fixedOffsetMm: [number, number, number] | undefined;
  sending = true;

  constructor(private readonly trace: BreathingTrace = { amplitudeMm: 4, periodS: 4, driftMmPerMin: 0.5 }) {
    this.host = new StreamHost((write) => {
      this.writers.add(write);
      return { onBytes: () => undefined, onEnd: () => this.writers.delete(write) };
    });
  }

  get clients(): number {
    return this.writers.size;
  }

  /** Starts streaming at `rateHz` (10–30 Hz for surface and EM systems). */
  start(rateHz: number): void {
    this.stop();
    this.timer = setInterval(() => this.sendNow(), 1000 / rateHz);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Sends one sample immediately (tests and the latency benchmark). */
  sendNow(offsetMm = this.offsetAt((performance.now() - this.t0) / 1000)): number {
    if (!this.sending) return Number.NaN;
    const sentAtMs = performance.now();
    const line = Buffer.from(encodeMotionLine(++this.seq, offsetMm, sentAtMs));
    for (const w of this.writers) w(line);
    return sentAtMs;
  }

  offsetAt(tS: number): [number, number, number] {
    if (this.fixedOffsetMm) return this.fixedOffsetMm;
    const breath = (this.trace.amplitudeMm / 2) * Math.sin((2 * Math.PI * tS) / this.trace.periodS);
    const drift = (this.trace.driftMmPerMin * tS) / 60;
    const b = this.baselineShiftMm;
    return [b[0], 0.3 * breath + b[1], breath + drift + b[2]];
  }
}
