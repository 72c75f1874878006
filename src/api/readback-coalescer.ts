/**
 * Coalesces one readback topic's samples to the console's control cycle without losing a
 * transition. Each sample carries a key (for the beam: the linac's beam id and state); a run
 * of consecutive samples with the same key is merged, the latest wins; a sample whose key
 * differs from the sample before it starts a new run and is always sent. So a beam's
 * `Complete` readback with its final MU is sent even when the next beam's `Armed` readback
 * follows within the same cycle.
 *
 *   offer(key, data) ─▶ runs [k1: latest, k2: latest, …] ─(each cycle: take() ≤ maxPerCycle)─▶ updates
 *
 * The message rate stays bounded: at most `maxPerCycle` updates per cycle. Runs not taken wait
 * for the next cycle, in order; at most `maxPending` runs wait. Beyond that (a device changing
 * state more than maxPerCycle times per cycle for maxPending cycles: a broken device, not a
 * linac) the newest waiting run is replaced by the new sample and counted in `overflowed`.
 */

export interface CoalescerLimits {
  /** Updates sent per control cycle at most. */
  readonly maxPerCycle: number;
  /** Runs waiting for a cycle at most. */
  readonly maxPending: number;
}

/** The beam topic's limits: at most 4 updates per 20 ms cycle (200 per second), 64 runs waiting. */
export const BEAM_COALESCING: CoalescerLimits = { maxPerCycle: 4, maxPending: 64 };

export interface CoalescedSample {
  readonly key: string;
  /** The topic's data, serialised once. */
  readonly data: string;
  /** The state version when the sample was taken. */
  readonly stateVersion: number;
}

export class ReadbackCoalescer {
  private readonly pending: CoalescedSample[] = [];
  private lastSent: CoalescedSample | undefined;
  /** Samples that replaced a waiting run of another key because `maxPending` runs were waiting. */
  overflowed = 0;

  constructor(private readonly limits: CoalescerLimits) {
    if (!(limits.maxPerCycle >= 1 && limits.maxPending >= limits.maxPerCycle)) throw new RangeError('coalescer limits: need maxPending >= maxPerCycle >= 1');
  }

  /** A new sample of the topic. */
  offer(sample: CoalescedSample): void {
    const last = this.pending.length - 1;
    const tail = this.pending[last];
    if (tail?.key === sample.key) {
      this.pending[last] = sample; // same state and beam: the latest wins
      return;
    }
    if (!tail && this.lastSent?.key === sample.key && this.lastSent.data === sample.data) return; // nothing new
    if (this.pending.length >= this.limits.maxPending) {
      this.pending[last] = sample;
      this.overflowed++;
      return;
    }
    this.pending.push(sample);
  }

  /** The samples to send this cycle, oldest first (at most `maxPerCycle`). */
  take(): CoalescedSample[] {
    const out = this.pending.splice(0, this.limits.maxPerCycle);
    if (out.length) this.lastSent = out[out.length - 1];
    return out;
  }

  /** Runs waiting for a later cycle. */
  get waiting(): number {
    return this.pending.length;
  }
}
