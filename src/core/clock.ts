/**
 * Time as a dependency. Drivers, the session and simulators read time only
 * through a Clock so tests can drive it; production uses the monotonic
 * system clock (never wall time for deadlines).
 */
export interface Clock {
  /** Monotonic milliseconds. */
  nowMs(): number;
  /** Wall-clock (epoch) milliseconds: only to anchor the monotonic clock to dates in messages, never for deadlines. */
  epochMs(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
}

export interface TimerHandle {
  cancel(): void;
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  epochMs: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
};

interface Pending {
  id: number;
  dueMs: number;
  fn: () => void;
  everyMs?: number;
}

/** A clock that only moves when told: for unit tests of timed behaviour. */
export class ManualClock implements Clock {
  private t = 0;
  private seq = 0;
  private pending: Pending[] = [];

  /** `epochAtZeroMs`: the wall time at monotonic 0 (default: the wall time when the clock is made, so dates a test stamps now line up). */
  constructor(private readonly epochAtZeroMs: number = Date.now()) {}

  nowMs(): number {
    return this.t;
  }

  epochMs(): number {
    return this.epochAtZeroMs + this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.schedule(fn, ms);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.schedule(fn, ms, Math.max(1e-3, ms));
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.pending.filter((p) => p.dueMs <= end).sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (!next) break;
      this.t = next.dueMs;
      if (next.everyMs !== undefined) next.dueMs += next.everyMs;
      else this.pending = this.pending.filter((p) => p !== next);
      next.fn();
    }
    this.t = end;
  }

  private schedule(fn: () => void, ms: number, everyMs?: number): TimerHandle {
    const p: Pending = { id: this.seq++, dueMs: this.t + Math.max(0, ms), fn, everyMs };
    this.pending.push(p);
    return { cancel: () => (this.pending = this.pending.filter((q) => q !== p)) };
  }
}
