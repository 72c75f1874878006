// @ts-check
/**
 * Coalesces redraws: topics marked dirty by any number of messages are drawn once, in the next
 * animation frame. At a 20 ms control cycle the page does at most one pass per frame, and a panel
 * whose topic did not change is not touched.
 */
export class RenderLoop {
  /**
   * @param {(topics: Set<string>) => void} draw
   * @param {(cb: () => void) => unknown} [schedule] requestAnimationFrame in the page; injectable for tests
   */
  constructor(draw, schedule = (cb) => requestAnimationFrame(cb)) {
    this.draw = draw;
    this.schedule = schedule;
    /** @type {Set<string>} */
    this.dirty = new Set();
    this.pending = false;
    this.frames = 0;
  }

  /** @param {Iterable<string>} topics */
  mark(topics) {
    for (const t of topics) this.dirty.add(t);
    if (this.pending || this.dirty.size === 0) return;
    this.pending = true;
    this.schedule(() => this.flush());
  }

  flush() {
    this.pending = false;
    const topics = this.dirty;
    this.dirty = new Set();
    this.frames++;
    this.draw(topics);
  }
}
