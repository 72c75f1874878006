/**
 * Intrafraction gating latency: from the moment the simulated monitor sends a
 * sample outside the window to the moment the HOLD frame reaches the simulated
 * linac, through the real path (TCP stream → monitor → statechart → command →
 * beam link over TCP). 1000 trials with debounce 0 (the path itself) and 100
 * with the default 100 ms debounce, a raw TCP echo as in-run baseline.
 * Reference: TG-142 gating temporal accuracy 100 ms.
 */
import type { EmbeddedRoom } from '../src/cli/embedded-room.js';
import { BeamCmd, BeamState } from '../src/protocol/beam-protocol.js';
import { examplePlan } from '../test/helpers/session-harness.js';
import { startRoom, stateOf } from '../test/helpers/embedded.js';
import { until } from '../test/helpers/wait.js';
import type { Plan } from '../src/domain/plan/plan.js';
import { tcpEchoRoundTrips } from './echo-baseline.js';
import { fmt, summarise } from './timing.js';

const longPlan: Plan = {
  ...examplePlan,
  beams: [{ ...examplePlan.beams[0], doseRateMuPerMin: 600, segments: [{ mu: 1000, rows: examplePlan.beams[0].segments[0].rows }], fluence: examplePlan.beams[0].segments[0].rows.map((iv) => Array.from({ length: examplePlan.beams[0].grid.cols }, (_, c) => (iv && c >= iv[0] && c <= iv[1] ? 1000 : 0))) }],
};

async function trials(e: EmbeddedRoom, n: number, maxMs: number): Promise<number[]> {
  const samples: number[] = [];
  let holdAt = 0;
  e.room.beam.onCommand = (cmd, at) => {
    if (cmd === BeamCmd.Hold) holdAt = at;
  };
  const start = performance.now();
  for (let i = 0; i < n && performance.now() - start < maxMs; i++) {
    await until(() => e.room.beam.status.state === BeamState.BeamOn && stateOf(e) === 'beamOn', 2000, 'beam on');
    holdAt = 0;
    const sentAt = e.room.motion.sendNow([0, 0, 4.5]);
    await until(() => holdAt > 0, 2000, 'hold at the linac');
    samples.push(holdAt - sentAt);
    await until(() => stateOf(e) === 'beamHold' && e.room.beam.status.state === BeamState.Held, 2000, 'held');
    e.room.motion.sendNow([0, 0, 0]);
    await until(() => e.session.snapshot.context.evidence.motion?.inWindow === true, 2000, 'target back inside');
    e.session.send({ type: 'RESUME', operator: 'bench' });
  }
  return samples;
}

async function roomOnBeam(debounceMs: number): Promise<EmbeddedRoom> {
  const e = await startRoom({ timeScale: 1 }, (b) => {
    b.actionLevels.conventional.intrafractionMonitoring = true;
    b.intrafraction.debounceMs = debounceMs;
    b.intrafraction.dwellMs = 0;
    b.intrafraction.staleSamples = 10; // the bench sends samples itself, in bursts
  });
  e.room.motion.fixedOffsetMm = [0, 0, 0];
  e.room.motion.start(20);
  e.session.loadPlan(longPlan);
  e.room.imaging.acquire({ patientId: longPlan.patientId, planId: longPlan.planId, fraction: longPlan.fraction }, { lateralMm: 0.8, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 });
  await until(() => stateOf(e) === 'setup.awaitingApproval', 3000, 'approval');
  e.session.approve(e.session.snapshot.context.pending!.registration.id, { user: 'bench', role: 'therapist' });
  await until(() => stateOf(e) === 'ready', 8000, 'ready');
  e.room.motion.stop();
  e.room.motion.sendNow([0, 0, 0]);
  e.session.send({ type: 'BEAM_ON', operator: 'bench' });
  return e;
}


export async function benchGating(): Promise<Record<string, unknown>[]> {
  const base = summarise(await tcpEchoRoundTrips(1000));
  const rows: Record<string, unknown>[] = [];
  for (const [debounce, n] of [[0, 1000], [100, 100]] as const) {
    const e = await roomOnBeam(debounce);
    try {
      const s = summarise(await trials(e, n, 60_000));
      rows.push({ case: `sample out of window → HOLD at linac (debounce ${debounce} ms)`, trials: s.calls, p50Ms: fmt(s.p50Ms), p99Ms: fmt(s.p99Ms), maxMs: fmt(s.maxMs), p99VsTg142_100ms: fmt(s.p99Ms / 100, 3), p50VsEchoBaseline: fmt(s.p50Ms / base.p50Ms, 3) });
    } finally {
      await e.close();
    }
  }
  rows.unshift({ case: 'raw TCP echo round trip (baseline)', trials: base.calls, p50Ms: fmt(base.p50Ms), p99Ms: fmt(base.p99Ms) });
  return rows;
}
