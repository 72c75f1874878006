import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../../src/cli/qa/progress-bar.js';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WritableStream & { isTTY?: boolean } };
}

describe('QA progress on stderr', () => {
  it('redraws one line with a bar on a terminal, at most ten times a second, and clears it at the end', () => {
    const { out, stream } = sink(true);
    let t = 0;
    const p = progressReporter(stream, () => t);
    p.update('couch-accuracy', 1, 2, 0.5, 'pose 3');
    t = 50;
    p.update('couch-accuracy', 1, 2, 0.6, 'pose 4'); // too soon
    t = 200;
    p.update('couch-accuracy', 1, 2, 1, 'done');
    p.done();
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^\r\x1b\[K\[#{18}-{6}\]  75% couch-accuracy \(2\/2\): pose 3$/);
    expect(out[2]).toBe('\r\x1b[K');
  });

  it('writes plain lines, one per quarter of each check, when stderr is not a terminal', () => {
    const { out, stream } = sink(false);
    const p = progressReporter(stream);
    for (const f of [0, 0.1, 0.2, 0.3, 0.6, 1]) p.update('igrt-end-to-end', 0, 1, f, `at ${f}`);
    p.done();
    expect(out).toEqual(['qa: igrt-end-to-end (1/1) 0% at 0\n', 'qa: igrt-end-to-end (1/1) 30% at 0.3\n', 'qa: igrt-end-to-end (1/1) 60% at 0.6\n', 'qa: igrt-end-to-end (1/1) 100% at 1\n']);
  });
});
