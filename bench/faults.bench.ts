/**
 * Fault → HOLD/TERMINATE latency at the simulated linac: from the injection
 * to the linac simulator's command handler receiving the frame, through the
 * real path (simulator ─TCP─▶ driver ─▶ evidence ─▶ statechart ─▶ command
 * ─TCP─▶ linac simulator). Four faults, ≥ 1000 trials each:
 *
 *   silent link          MLC stops answering → IL-MLC-STALE → HOLD; then cleared and RESUMEd (one room)
 *   leaf error           MLC reports a leaf fault → IL-MLC-FAULT → TERMINATE
 *   dose channels        primary channel stops counting → IL-DOSE-CHANNELS-DISAGREE → TERMINATE
 *   unexpected beam-on   linac on by itself in `ready` → IL-UNEXPECTED-BEAM → TERMINATE
 *
 * The three latched faults end a session (fault → RESET → aborted), so each of
 * their trials runs a fresh BridgeSession on the same warm simulators, drivers
 * and journal (the rig resets the simulated linac and MLC between trials).
 * Links are polled every 20 ms (stale after 50 ms), the bridge's fastest sane
 * setting, so a trial costs a few tens of ms; the detection period is stated
 * beside each figure. Reference: vendors' external beam hold ≤ 100 ms.
 */
import { BridgeSession } from '../src/bridge/bridge-session.js';
import { systemClock } from '../src/core/clock.js';
import { Journal } from '../src/journal/journal.js';
import { BeamCmd, BeamState, encodeArm } from '../src/protocol/beam-protocol.js';
import { startFaultRoom, type FaultRoom } from '../test/helpers/fault-room.js';
import { longPlan, subjectOf, toBeamOn } from '../test/helpers/fault-scenario.js';
import { until } from '../test/helpers/wait.js';
import { fmt, summarise } from './timing.js';

const LINK = { heartbeatMs: 20, staleAfterMs: 50, requestTimeoutMs: 40 };
const TICK_MS = 20;
const ZERO = { lateralMm: 0, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 };

const room = (timeScale: number): Promise<FaultRoom> => startFaultRoom({
  timeScale, couchSettleMs: 20, tickMs: TICK_MS,
  patch: (b) => Object.assign(b.links.mlc, LINK) && Object.assign(b.links.beam, LINK),
});

/** Time from `inject()` to the linac receiving one of `cmds`, ms. */
async function timeTo(f: FaultRoom, cmds: BeamCmd[], inject: () => void): Promise<number> {
  let at = 0;
  f.room.beam.onCommand = (cmd, t) => {
    if (!at && cmds.includes(cmd)) at = t;
  };
  const t0 = performance.now();
  inject();
  await until(() => at > 0, 5000, `${cmds.map((c) => BeamCmd[c]).join('/')} at the linac`);
  return at - t0;
}

async function silentLinkTrials(n: number, maxMs: number): Promise<number[]> {
  const f = await room(1);
  const out: number[] = [];
  try {
    await toBeamOn(f, longPlan, 0.1);
    const start = performance.now();
    while (out.length < n && performance.now() - start < maxMs) {
      await until(() => f.room.beam.status.state === BeamState.BeamOn && f.state() === 'beamOn', 3000, 'beam on').catch((e: Error) => {
        throw new Error(`${e.message} (trial ${out.length}): session ${f.state()}, ${f.session.snapshot.context.holdCauses.join(' ')} ${f.session.snapshot.context.faultReason ?? ''}, linac ${BeamState[f.room.beam.status.state]} mu1 ${f.room.beam.status.mu1}`);
      });
      out.push(await timeTo(f, [BeamCmd.Hold], () => (f.room.mlcHost.faults.silent = true)));
      f.room.mlcHost.faults.silent = false;
      await until(() => f.state() === 'beamHold' && f.room.beam.status.state === BeamState.Held && f.session.drivers.mlc.isFresh(), 3000, 'held, link fresh');
      for (let i = 0; i < 400 && f.state() !== 'beamOn'; i++) {
        f.session.send({ type: 'RESUME', operator: 'bench' });
        if (f.state() !== 'beamOn') await new Promise((r) => setTimeout(r, 5));
      }
    }
  } finally {
    await f.close();
  }
  return out;
}

type Latched = 'leaf error' | 'dose channels disagree' | 'unexpected beam-on';
const diag = (s: BridgeSession, f: FaultRoom): string => `session ${s.stateName} ${s.snapshot.context.holdCauses.join(' ')} ${s.snapshot.context.faultReason ?? ''}, linac ${BeamState[f.room.beam.status.state]}`;

/** A fresh session on the warm room, up to the moment of injection (ready, or the beam on). */
async function sessionUpTo(f: FaultRoom, journal: Journal, beamOn: boolean): Promise<BridgeSession> {
  const s = new BridgeSession(f.session.drivers, f.config, journal, systemClock, { tickMs: TICK_MS });
  s.start();
  try {
    s.loadPlan(longPlan);
    const reg = s.submitRegistration(f.room.imaging.acquire(subjectOf(longPlan), ZERO), 'sim');
    if (!reg.ok) throw reg.error;
    s.approve(s.snapshot.context.pending!.registration.id, { user: 'bench', role: 'therapist' });
    await until(() => s.stateName === 'ready', 5000, 'ready');
    // the linac armed with the segment end loaded, as the session has seen it
    await until(() => f.room.beam.status.segmentEndMu > 0 && (s.snapshot.context.evidence.beam?.status.segmentEndMu ?? 0) > 0, 3000, 'segment end loaded');
    if (beamOn) {
      // `ready` can come a poll before the readback shows the segment end: a denied BEAM_ON is retried
      for (let i = 0; i < 200 && s.stateName === 'ready'; i++) {
        s.send({ type: 'BEAM_ON', operator: 'bench' });
        if (s.stateName === 'ready') await new Promise((r) => setTimeout(r, 5));
      }
      await until(() => f.room.beam.status.state === BeamState.BeamOn && f.room.beam.status.mu1 > 0.2, 3000, 'beam on');
    }
    return s;
  } catch (e) {
    const err = new Error(`${(e as Error).message}: ${diag(s, f)}`);
    s.stop();
    throw err;
  }
}

/** The rig between trials: faults cleared, the linac reset with its MU counters cleared, readback taken after that. */
async function resetRig(f: FaultRoom): Promise<void> {
  f.room.mlc.faults.faultCode = 0;
  f.room.beam.room.primaryChannelStuck = false;
  const linac = (cmd: BeamCmd, payload: Buffer = Buffer.alloc(0)) => f.room.beam.handle({ seq: 0, cmd, payload });
  linac(BeamCmd.Reset);
  linac(BeamCmd.Arm, encodeArm({ beamId: 0, presetMu: 1, doseRateMuPerMin: 600 }));
  linac(BeamCmd.Reset);
  const resetAtMs = systemClock.nowMs();
  const d = f.session.drivers;
  await until(() => d.mlc.latest?.status.fault === false && d.couch.latest?.status.moving === false && !f.room.couch.moving && d.beam.latest?.status.state === BeamState.Idle
    && d.beam.latest.atMs > resetAtMs && d.mlc.latest.atMs > resetAtMs && d.couch.latest.atMs > resetAtMs, 3000, 'clean readback');
}

async function latchedTrials(kind: Latched, n: number, maxMs: number): Promise<{ samples: number[]; setupRetries: number }> {
  const f = await room(10);
  f.session.stop();
  const journal = Journal.open(f.journal.file.replace(/j\.jsonl$/, 'bench.jsonl'), false);
  const samples: number[] = [];
  let setupRetries = 0;
  const inject = kind === 'leaf error' ? () => (f.room.mlc.faults.faultCode = 1) : kind === 'dose channels disagree' ? () => (f.room.beam.room.primaryChannelStuck = true) : () => f.room.beam.injectBeamOn();
  try {
    const start = performance.now();
    while (samples.length < n && performance.now() - start < maxMs) {
      let s: BridgeSession;
      try {
        s = await sessionUpTo(f, journal, kind !== 'unexpected beam-on');
      } catch (e) {
        if (++setupRetries > Math.max(20, n / 10)) throw e; // a setup that keeps failing is a finding, not noise
        await resetRig(f);
        continue;
      }
      samples.push(await timeTo(f, [BeamCmd.Terminate], inject).catch((e: Error) => {
        throw new Error(`${e.message} (${kind}, trial ${samples.length}): ${diag(s, f)}`);
      }));
      await until(() => s.stateName === 'fault', 3000, 'fault');
      s.stop();
      await resetRig(f);
    }
  } finally {
    journal.close();
    await f.close();
  }
  return { samples, setupRetries };
}

function row(fault: string, path: string, detectionMs: number, samples: number[], setupRetries = 0): Record<string, unknown> {
  const s = summarise(samples);
  return {
    fault, path, trials: s.calls, setupRetries, detectionPeriodMs: detectionMs, p50Ms: fmt(s.p50Ms), p99Ms: fmt(s.p99Ms), maxMs: fmt(s.maxMs),
    p99MinusDetectionMs: fmt(s.p99Ms - detectionMs), goalP99Ms: detectionMs + 10, p99VsVendor100ms: fmt(s.p99Ms / 100, 3),
  };
}

export async function benchFaults(): Promise<Record<string, unknown>[]> {
  const n = Number(process.env.FAULT_BENCH_TRIALS ?? 1000);
  const budgetMs = 10 * 60_000;
  const rows = [row('silent link (MLC)', 'HOLD; cleared + RESUME each trial', LINK.staleAfterMs, await silentLinkTrials(n, budgetMs))];
  for (const [kind, detectionMs] of [['leaf error', LINK.heartbeatMs], ['dose channels disagree', LINK.heartbeatMs], ['unexpected beam-on', LINK.heartbeatMs]] as const) {
    const r = await latchedTrials(kind, n, budgetMs);
    rows.push(row(kind, 'TERMINATE; fresh session each trial', detectionMs, r.samples, r.setupRetries));
  }
  return rows;
}
