/**
 * Advances simulated devices in (scaled) real time. Devices expose
 * `advance(dtMs)` so unit tests can step them without a clock.
 */
export interface Steppable {
  /** Advances the device's physics by dtMs of device time; wallDtMs is real elapsed time (watchdogs). */
  advance(dtMs: number, wallDtMs: number): void;
}

export class PhysicsLoop {
  private timer: NodeJS.Timeout | undefined;
  private last = 0;

  constructor(
    private readonly devices: Steppable[],
    private timeScale = 1,
    private readonly periodMs = 5,
  ) {}

  /** Device time per wall time from the next step on (> 0): a QA check that samples motion runs the room at 1. */
  setTimeScale(scale: number): void {
    if (!(scale > 0)) throw new RangeError(`timeScale must be > 0, got ${scale}`);
    this.timeScale = scale;
  }

  get scale(): number {
    return this.timeScale;
  }

  start(): void {
    if (this.timer) return;
    this.last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const wall = now - this.last;
      this.last = now;
      for (const d of this.devices) d.advance(wall * this.timeScale, wall);
    }, this.periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
