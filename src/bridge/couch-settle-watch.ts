/**
 * When did readback last show the couch settled? A verification image must
 * be acquired after that, not after the move was commanded: a couch still
 * moving when the image is taken is not where the image says.
 *
 * A commanded move, or motion seen in readback, makes the couch unsettled; it
 * settles at the first readback that shows it still (and, for a commanded
 * move, within tolerance of the target). Times are the bridge's monotonic
 * receive times.
 */
import type { Pose6 } from '../core/pose.js';
import { couchWithin } from '../interlock/evaluate-permit.js';
import type { PermitTolerances } from '../interlock/evidence.js';

export class CouchSettleWatch {
  /** The target of a commanded move not yet seen reached, or 'still' when only stillness is awaited. */
  private awaiting: Pose6 | 'still' | undefined;
  private settled: number | undefined;

  constructor(private readonly tolerances: Pick<PermitTolerances, 'couchTranslationMm' | 'couchRotationDeg'>) {}

  /** A move was commanded. */
  commanded(target: Pose6): void {
    this.awaiting = target;
    this.settled = undefined;
  }

  /** The move was abandoned (a fault): settled once readback shows the couch still. */
  abandoned(): void {
    if (this.awaiting) this.awaiting = 'still';
  }

  /** One couch readback. */
  observe(actual: Pose6, moving: boolean, atMs: number): void {
    if (moving) {
      if (this.awaiting === undefined) this.awaiting = 'still'; // motion nobody commanded
      this.settled = undefined;
      return;
    }
    if (this.awaiting === undefined) return;
    if (this.awaiting === 'still' || couchWithin(actual, this.awaiting, this.tolerances)) {
      this.awaiting = undefined;
      this.settled = atMs;
    }
  }

  /** Monotonic time readback last showed the couch settled after motion; undefined before any. */
  get settledAtMs(): number | undefined {
    return this.settled;
  }

  get unsettled(): boolean {
    return this.awaiting !== undefined;
  }
}
