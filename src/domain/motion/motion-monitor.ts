/**
 * Intrafraction target position against its window. Each sample (offset of
 * the target from where it should be, IEC table-top axes, mm) updates whether
 * the target is inside ± windowMm on every axis and since when that has been
 * so. The interlocks turn this into holds (out longer than the debounce) and
 * permits (in for the dwell time). Pure: time comes with each sample.
 */
import type { Vec3 } from '../couch/rotation.js';

export interface MotionSample {
  /** Monotonic time the bridge received it, ms. */
  readonly atMs: number;
  readonly offsetMm: Vec3;
}

export interface MotionEvidence {
  readonly lastSampleMs: number;
  readonly inWindow: boolean;
  /** When the target last crossed the window edge (or monitoring began), ms. */
  readonly sinceMs: number;
  readonly offsetMm: Vec3;
}

export class MotionMonitor {
  private state: MotionEvidence | undefined;

  constructor(private readonly windowMm: number) {}

  get evidence(): MotionEvidence | undefined {
    return this.state;
  }

  observe(s: MotionSample): MotionEvidence {
    const inWindow = s.offsetMm.every((v) => Number.isFinite(v) && Math.abs(v) <= this.windowMm);
    const since = this.state && this.state.inWindow === inWindow ? this.state.sinceMs : s.atMs;
    this.state = { lastSampleMs: s.atMs, inWindow, sinceMs: since, offsetMm: s.offsetMm };
    return this.state;
  }
}
