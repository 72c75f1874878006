/**
 * Hardware-in-the-loop figures (docs/hil.md): the four simulators as their own processes.
 * - `start --config` spawned → every link fresh (the "no stale link vetoes beam-on" line),
 *   against `start --simulate` (embedded simulators) in the same run, interleaved.
 * - A simulator process killed (SIGKILL: its socket closes) or frozen (SIGSTOP: silent, socket
 *   open) mid-beam → the session in beamHold (journal time), with the room assembled in this
 *   process on the simulator processes (src/bridge/room-assembly.ts).
 * `HIL_BENCH_TRIALS` sets the trials per case (default 5).
 */
import { runFraction } from '../src/bridge/fraction-runner.js';
import { assembleRoom } from '../src/bridge/room-assembly.js';
import { configuredLinks } from '../src/bridge/room-links.js';
import { waitForLinks } from '../src/bridge/room-readiness.js';
import { loadConfig } from '../src/config/load-config.js';
import { readJournal } from '../src/journal/journal.js';
import { BeamState } from '../src/protocol/beam-protocol.js';
import { startCli } from '../test/helpers/cli-process.js';
import { hilConfig, startSim, tmpDir, type SimProcess } from '../test/helpers/hil-rig.js';
import { examplePlan } from '../test/helpers/session-harness.js';
import { until } from '../test/helpers/wait.js';
import { fmt, summarise } from './timing.js';

const TRIALS = Number(process.env.HIL_BENCH_TRIALS ?? 5);
const DEVICES = ['mlc', 'beam', 'couch', 'imaging'] as const;

async function startToFreshMs(args: string[]): Promise<number> {
  const t0 = performance.now();
  const run = startCli(args);
  await until(() => /no stale link vetoes beam-on/.test(run.stdout), 60_000, 'all links fresh');
  const ms = performance.now() - t0;
  run.child.kill('SIGTERM');
  await run.exited;
  return ms;
}

async function upFigures(): Promise<Record<string, unknown>[]> {
  const sims = await Promise.all(DEVICES.map((d) => startSim(d)));
  try {
    const file = hilConfig(tmpDir('lb-hil-bench-'), Object.fromEntries(sims.map((s) => [s.device, s.spec])));
    const samples: Record<string, number[]> = { 'start --config (4 sim processes)': [], 'start --simulate (embedded)': [] };
    for (let i = 0; i < TRIALS; i++) {
      samples['start --config (4 sim processes)'].push(await startToFreshMs(['--config', file, 'start']));
      samples['start --simulate (embedded)'].push(await startToFreshMs(['start', '--simulate']));
    }
    return Object.entries(samples).map(([what, s]) => ({ what: `${what}: spawn → all links fresh`, trials: s.length, p50Ms: fmt(summarise(s).p50Ms), maxMs: fmt(summarise(s).maxMs) }));
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
  }
}

/** One fraction on simulator processes; `fault` is done to the MLC simulator once the first beam is on. Returns fault → beamHold, ms. */
async function faultToHoldMs(fault: (mlc: SimProcess) => Promise<void>): Promise<number> {
  const sims = await Promise.all([startSim('mlc'), startSim('beam'), startSim('couch'), startSim('imaging', ['--plan', 'examples/two-beam-step-and-shoot.json', '--setup-error', '1.5,-1,0.8,0.4,-0.3,0.5'])]);
  const cfg = loadConfig(hilConfig(tmpDir('lb-hil-bench-'), Object.fromEntries(sims.map((s) => [s.device, s.spec]))));
  const room = await assembleRoom(cfg, { links: configuredLinks(cfg), firstOpen: 'retry', journalName: 'bench.jsonl' });
  try {
    await waitForLinks(room.session, 20_000);
    const run = runFraction(room.session, examplePlan, { operator: 'rtt', log: () => undefined, timeoutMs: 120_000, acquireImage: () => sims[3].acquire() });
    const beam = () => room.session.drivers.beam.latest?.status;
    await until(() => beam()?.state === BeamState.BeamOn && beam()!.mu1 > 2, 60_000, 'beam on');
    const t0 = performance.now();
    await fault(sims[0]);
    await run;
    const hold = readJournal(room.journal.file).entries.find((e) => e.kind === 'state' && e.monoMs >= t0 && (e.data as { to: string }).to === 'beamHold');
    if (!hold) throw new Error('no hold after the fault');
    return hold.monoMs - t0;
  } finally {
    await room.close();
    sims[0].child.kill('SIGCONT');
    await Promise.all(sims.map((s) => s.kill()));
  }
}

async function holdFigures(): Promise<Record<string, unknown>[]> {
  const cases: Record<string, (mlc: SimProcess) => Promise<void>> = {
    'MLC process killed (SIGKILL)': (mlc) => mlc.kill(),
    'MLC process frozen (SIGSTOP)': async (mlc) => void mlc.child.kill('SIGSTOP'),
  };
  const rows: Record<string, unknown>[] = [];
  for (const [what, fault] of Object.entries(cases)) {
    const s: number[] = [];
    for (let i = 0; i < TRIALS; i++) s.push(await faultToHoldMs(fault));
    const t = summarise(s);
    rows.push({ what: `${what} mid-beam → session beamHold`, trials: s.length, p50Ms: fmt(t.p50Ms), maxMs: fmt(t.maxMs) });
  }
  return rows;
}

export async function benchHil(): Promise<Record<string, unknown>[]> {
  return [...(await upFigures()), ...(await holdFigures())];
}
