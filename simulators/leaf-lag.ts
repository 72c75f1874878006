/**
 * The "leaf lag" fault of the simulated MLC: the leaves follow their targets
 * late, either by a time (they chase the targets of `lagMs` ago) or by a
 * distance (they stay `lagMm` behind a target they move toward). Off by
 * default: `targets()` then returns the targets unchanged.
 */
export interface LeafLagFault {
  /** The leaves chase the targets as they were this long ago (device time), ms. */
  readonly lagMs?: number;
  /** The leaves stop this far short of a target they move toward, mm. */
  readonly lagMm?: number;
}

export class LeafLag {
  fault: LeafLagFault = {};
  private nowMs = 0;
  private history: Array<{ atMs: number; a: number[]; b: number[] }> = [];

  /** Advances device time by dtMs and returns the targets the leaves move toward now. */
  targets(dtMs: number, targetA: number[], targetB: number[], a: readonly number[], b: readonly number[]): { a: number[]; b: number[] } {
    this.nowMs += dtMs;
    const lagMs = this.fault.lagMs ?? 0;
    const lagMm = this.fault.lagMm ?? 0;
    let goA = targetA;
    let goB = targetB;
    if (lagMs > 0) {
      this.history.push({ atMs: this.nowMs, a: [...targetA], b: [...targetB] });
      // the newest targets at least lagMs old; before there are any, the leaves stay where they are
      let k = -1;
      while (k + 1 < this.history.length && this.history[k + 1].atMs <= this.nowMs - lagMs) k++;
      if (k > 0) this.history.splice(0, k);
      const old = k >= 0 ? this.history[0] : undefined;
      goA = old ? old.a : [...a];
      goB = old ? old.b : [...b];
    } else {
      this.history = [];
    }
    if (lagMm > 0) {
      const short = (cur: number, tgt: number): number => (Math.abs(tgt - cur) > lagMm ? tgt - Math.sign(tgt - cur) * lagMm : cur);
      goA = goA.map((t, i) => short(a[i], t));
      goB = goB.map((t, i) => short(b[i], t));
    }
    return { a: goA, b: goB };
  }
}
