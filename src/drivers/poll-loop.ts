/** Runs an async poll every period; a poll still running when the next is due is not overlapped. */
import type { Clock, TimerHandle } from '../core/clock.js';

export class PollLoop {
  private timer: TimerHandle | undefined;
  private busy = false;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly poll: () => Promise<void>,
  ) {}

  start(): void {
    this.timer ??= this.clock.setInterval(() => void this.runOnce(), this.periodMs);
    void this.runOnce();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private async runOnce(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.poll();
    } catch {
      // failures are reported by the driver's events and show as a stale link
    } finally {
      this.busy = false;
    }
  }
}
