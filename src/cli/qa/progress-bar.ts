/**
 * Progress of a QA run on stderr. On a terminal: one line redrawn in place (at most ten
 * times a second) with a bar; otherwise (a pipe, a CI log): a plain line when a check
 * starts and each time it passes a quarter, so logs stay short.
 */
import type { QaProgress } from '../../qa/runner.js';

export interface ProgressReporter {
  readonly update: QaProgress;
  /** Ends the redrawn line. */
  done(): void;
}

const WIDTH = 24;

export function progressReporter(stream: NodeJS.WritableStream & { isTTY?: boolean }, nowMs: () => number = () => performance.now()): ProgressReporter {
  let lastDraw = Number.NEGATIVE_INFINITY;
  let drawn = false;
  let lastKey = '';
  const tty = stream.isTTY === true;
  return {
    update(check, index, count, fraction, label) {
      const f = Math.max(0, Math.min(1, fraction));
      if (tty) {
        if (nowMs() - lastDraw < 100 && f < 1) return;
        lastDraw = nowMs();
        const whole = Math.min(1, (index + f) / count);
        const filled = Math.round(whole * WIDTH);
        stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.round(whole * 100)).padStart(3)}% ${check} (${index + 1}/${count}): ${label.slice(0, 60)}`);
        drawn = true;
        return;
      }
      const key = `${index}:${Math.floor(f * 4)}`;
      if (key === lastKey) return;
      lastKey = key;
      stream.write(`qa: ${check} (${index + 1}/${count}) ${Math.round(f * 100)}% ${label}\n`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
