import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { native } from '../../src/kernels/native.js';

describe('event-loop thread priority', () => {
  it('checks its argument at the C++ boundary, naming the allowed range', () => {
    expect(() => native().setRealtimePriority('high' as never)).toThrow(TypeError);
    expect(() => native().setRealtimePriority(1000)).toThrow(/priority must be in 1\.\.99/);
  });

  it('in a separate process, reports the policy the kernel really gives the loop thread (SCHED_FIFO, or a refusal and a fallback)', () => {
    // not in the test worker: a real-time vitest thread would take the machine from the other tests
    const script = `import { raiseLoopPriority } from './src/kernels/scheduling.ts';
      import fs from 'node:fs';
      const r = raiseLoopPriority();
      const policy = /policy\\s*:\\s*(\\d+)/.exec(fs.readFileSync('/proc/thread-self/sched', 'utf8'))?.[1];
      process.stdout.write(JSON.stringify({ r, policy: Number(policy), nice: (await import('node:os')).getPriority(0) }));`;
    const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const { r, policy, nice } = JSON.parse(out.stdout) as { r: { policy: string; priority?: number; nice?: number }; policy: number; nice: number };
    if (!fs.existsSync('/proc/thread-self/sched')) return; // not Linux: nothing to compare with
    if (r.policy === 'fifo') expect(policy).toBe(1); // SCHED_FIFO
    else expect(policy).toBe(0); // SCHED_OTHER
    if (r.policy === 'nice') expect(nice).toBe(r.nice);
  });
});
