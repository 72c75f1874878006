// Preload for finding what stalls the event loop: `node --import ./scripts/loop-trace.mjs bin/linac-bridge.js simulate <plan>`.
// A 5 ms timer notes every gap over 30 ms with the process CPU time, page faults and context switches
// in it (CPU ≈ gap: the loop was busy — compile, GC, work; CPU ≈ 0 with one voluntary switch: the
// thread slept and was not woken on time — the machine's CPUs were taken; CPU ≈ 0 inside a long
// fsync/write: blocking I/O). fsyncSync/writeSync calls over 10 ms and GC pauses over 5 ms are listed
// too. Everything goes to stderr at exit. Used for docs/timing.md; not loaded by the bridge.
import fs from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

let last = performance.now();
let ru = process.resourceUsage();
const gcs = [];
const stalls = [];
const io = [];
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) if (e.duration > 5) gcs.push(`${e.startTime.toFixed(0)}:${e.duration.toFixed(1)}`);
}).observe({ entryTypes: ['gc'] });
for (const name of ['fsyncSync', 'writeSync']) {
  const orig = fs[name];
  fs[name] = (...a) => {
    const t = performance.now();
    try {
      return orig(...a);
    } finally {
      const d = performance.now() - t;
      if (d > 10) io.push(`${name}@${t.toFixed(0)}:${d.toFixed(1)}`);
    }
  };
}
setInterval(() => {
  const now = performance.now();
  const r = process.resourceUsage();
  const gap = now - last;
  if (gap > 30) {
    const cpuMs = (r.userCPUTime + r.systemCPUTime - ru.userCPUTime - ru.systemCPUTime) / 1000;
    stalls.push(`stall@${now.toFixed(0)}ms gap ${gap.toFixed(1)} ms cpu ${cpuMs.toFixed(1)} ms majflt ${r.majorPageFault - ru.majorPageFault} invcs ${r.involuntaryContextSwitches - ru.involuntaryContextSwitches} vcs ${r.voluntaryContextSwitches - ru.voluntaryContextSwitches}`);
  }
  last = now;
  ru = r;
}, 5).unref();
process.on('exit', () => process.stderr.write(`${stalls.join('\n')}\nsync io > 10 ms: ${io.join(' ') || 'none'}\nGC > 5 ms: ${gcs.join(' ') || 'none'}\n`));
