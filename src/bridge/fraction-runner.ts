/**
 * The main job: one fraction end to end, with the runner in the therapist's
 * seat (it approves the registration and presses beam-on for each beam; the
 * statechart decides everything else). Returns the fraction record.
 */
import { filter, firstValueFrom, from, map, race, timer } from 'rxjs';
import { checkOperator } from '../core/identifiers.js';
import { poseDeviation, type Pose6 } from '../core/pose.js';
import { beamMu, type Plan } from '../domain/plan/plan.js';
import { accumulateFluenceAsync } from '../kernels/fluence.js';
import type { BridgeSession } from './bridge-session.js';
import { stateName } from './bridge-session.js';
import type { BeamRecord, FractionRecord } from './fraction-record.js';
import { SegmentTracker, round3 } from './segment-tracker.js';

export interface RunnerOptions {
  readonly operator: string;
  /** Starts an image acquisition whose result reaches session.submitRegistration. */
  readonly acquireImage: () => void;
  readonly log: (line: string) => void;
  readonly timeoutMs: number;
  /**
   * What the simulated therapist does when the beam holds: wait `waitMs`, press
   * RESUME (the statechart still decides), repeat while refused, and give up
   * after `giveUpAfterMs` or once `maxResumes` accepted resumes are spent.
   * A refused BEAM_ON is pressed again the same way (not counted as a resume).
   * Absent: any hold ends the run (outcome 'held'), a refused BEAM_ON aborts it.
   */
  readonly resumeAfterHold?: { readonly maxResumes: number; readonly waitMs: number; readonly giveUpAfterMs: number };
}

const TERMINAL = new Set(['fault', 'aborted', 'fractionComplete']);

export async function runFraction(session: BridgeSession, plan: Plan, opts: RunnerOptions): Promise<FractionRecord> {
  checkOperator(opts.operator, 'operator'); // every approval and beam-on is journaled with a named operator
  const startedAt = new Date().toISOString();
  const tracker = new SegmentTracker(session.drivers, plan, session.config, (beamId, seg, of, mu2) =>
    opts.log(`  beam ${beamId} segment ${seg.index + 1}/${of}: ${seg.deliveredMu.toFixed(3)} MU (planned ${seg.plannedMu}), cumulative ch2 ${mu2.toFixed(3)} MU${seg.apertureReadback ? '' : ', aperture readback not on bixel edges'}`),
  );
  const holds: FractionRecord['holds'] = [];
  const states$ = from(session.actor);
  let previous = '';
  const stateSub = states$.subscribe((s) => {
    const name = stateName(s.value);
    if (name === 'beamHold' && previous !== 'beamHold') {
      holds.push({ causes: s.context.holdCauses, atIso: new Date().toISOString() });
      opts.log(`beam hold: ${s.context.holdCauses.join(', ') || 'operator / linac'}`);
    }
    previous = name;
  });
  const deadline = performance.now() + opts.timeoutMs;
  const waitFor = async (wanted: (name: string) => boolean): Promise<string> => {
    const left = Math.max(1, deadline - performance.now());
    const reached$ = states$.pipe(map((s) => stateName(s.value)), filter((n) => wanted(n) || TERMINAL.has(n)));
    return firstValueFrom(race(reached$, timer(left).pipe(map(() => 'timeout'))));
  };
  const policy = opts.resumeAfterHold;
  /** The therapist's patience: while `pending`, wait and `press` again; give up (Stop) when the policy says so. */
  const pressWhile = async (pending: () => boolean, press: () => void, spent: () => boolean, giveUpAs: string): Promise<void> => {
    const since = performance.now();
    while (pending()) {
      if (!policy || spent() || performance.now() - since > policy.giveUpAfterMs) throw new Stop(giveUpAs);
      await new Promise((r) => setTimeout(r, policy.waitMs));
      if (pending()) press();
    }
  };
  let resumes = 0;
  const held = () => stateName(session.snapshot.value) === 'beamHold';
  const resumeAfterHold = () =>
    pressWhile(held, () => {
      session.send({ type: 'RESUME', operator: opts.operator });
      if (held()) return; // refused: the statechart journaled why
      resumes++;
      const hold = holds[holds.length - 1];
      if (hold) holds[holds.length - 1] = { ...hold, resumedAtIso: new Date().toISOString(), resumedBy: opts.operator };
      opts.log(`resumed by ${opts.operator} (${resumes}/${policy?.maxResumes})`);
    }, () => resumes >= (policy?.maxResumes ?? 0), 'beamHold');
  /** Presses BEAM_ON; while it is refused (the session stays in ready), presses again as the policy allows. */
  const pressBeamOn = (b: number) => {
    const refused = () => stateName(session.snapshot.value) === 'ready' && session.snapshot.context.beamIndex === b;
    const press = () => session.send({ type: 'BEAM_ON', operator: opts.operator });
    press();
    return pressWhile(refused, press, () => false, 'aborted');
  };
  tracker.start();
  let outcome: FractionRecord['outcome'] = 'complete';
  let approvedBy = '';
  try {
    opts.log(`plan ${plan.planId} for ${plan.patientId}, fraction ${plan.fraction}: ${plan.beams.length} beams, ${plan.beams.map((b) => `${beamMu(b)} MU`).join(' + ')}`);
    session.loadPlan(plan);
    let st = await waitFor((n) => n === 'setup.awaitingRegistration');
    if (st !== 'setup.awaitingRegistration') throw new Stop(st);
    opts.log('acquiring CBCT');
    opts.acquireImage();
    st = await waitFor((n) => n === 'setup.awaitingApproval');
    if (st !== 'setup.awaitingApproval') throw new Stop(st);
    const pending = session.snapshot.context.pending!;
    const c = pending.registration.correction;
    opts.log(`registration ${pending.registration.id.slice(0, 8)}: ${fmtPose(c)} → ${pending.classification.action}`);
    if (pending.classification.action === 'reject' || pending.classification.action === 're-setup') {
      opts.log(`correction not applicable: ${pending.classification.reasons.join('; ')}`);
      throw new Stop('aborted');
    }
    approvedBy = opts.operator;
    session.send({ type: 'APPROVE', registrationId: pending.registration.id, operator: opts.operator, role: pending.classification.action === 'review' ? 'physician' : 'therapist' });
    opts.log('correction approved; couch moving');
    for (let b = 0; b < plan.beams.length; b++) {
      st = await waitFor((n) => n === 'ready');
      if (st !== 'ready') throw new Stop(st);
      const beam = plan.beams[b];
      opts.log(`beam ${beam.id} (${beam.name}): MLC at first segment, beam-on requested`);
      await pressBeamOn(b);
      for (;;) {
        st = await waitFor((n) => n === 'fractionComplete' || n === 'beamHold' || (n === 'ready' && session.snapshot.context.beamIndex > b));
        if (st !== 'beamHold') break;
        await resumeAfterHold();
      }
      if (st !== 'fractionComplete' && st !== 'ready') throw new Stop(st);
      const seen = tracker.beams.get(beam.id);
      opts.log(`beam ${beam.id} delivered: ${seen?.mu1.toFixed(3)} / ${seen?.mu2.toFixed(3)} MU in ${seen?.segments.length} segments`);
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    outcome = e.state === 'timeout' ? 'timeout' : e.state === 'fault' ? 'fault' : e.state === 'beamHold' ? 'held' : 'aborted';
    opts.log(`fraction stopped: ${e.state}${session.snapshot.context.faultReason ? ` (${session.snapshot.context.faultReason})` : ''}`);
  } finally {
    tracker.stop();
    stateSub.unsubscribe();
  }
  return buildRecord(session, plan, tracker, { outcome, startedAt, approvedBy, holds });
}

class Stop extends Error {
  constructor(readonly state: string) {
    super(state);
  }
}

async function buildRecord(session: BridgeSession, plan: Plan, tracker: SegmentTracker, r: { outcome: FractionRecord['outcome']; startedAt: string; approvedBy: string; holds: FractionRecord['holds'] }): Promise<FractionRecord> {
  const ctx = session.snapshot.context;
  const tol = session.config.bridge.tolerances.deliveredMuToleranceMu;
  const beams: BeamRecord[] = [];
  for (const beam of plan.beams) {
    const seen = tracker.beams.get(beam.id);
    const planned = round3(beamMu(beam));
    const segments = seen?.segments ?? [];
    const apertures = segments.map((s) => ({ mu: s.deliveredMu, rows: s.apertureReadback ?? new Array(beam.grid.rows).fill(null) }));
    const rebuilt = apertures.length ? (await accumulateFluenceAsync(beam.grid.rows, beam.grid.cols, apertures)).values : new Float64Array(beam.grid.rows * beam.grid.cols);
    let maxErr = 0;
    let total = 0;
    let plannedTotal = 0;
    beam.fluence.forEach((row, i) => row.forEach((v, j) => {
      maxErr = Math.max(maxErr, Math.abs(rebuilt[i * beam.grid.cols + j] - v));
      total += rebuilt[i * beam.grid.cols + j];
      plannedTotal += v;
    }));
    const mu1 = round3(seen?.mu1 ?? 0);
    const mu2 = round3(seen?.mu2 ?? 0);
    beams.push({
      id: beam.id, name: beam.name, plannedMu: planned, deliveredMu1: mu1, deliveredMu2: mu2,
      muWithinTolerance: Math.abs(mu1 - planned) <= tol && Math.abs(mu2 - planned) <= tol,
      segments, fluence: { maxAbsErrorMu: round3(maxErr), plannedTotalMu: round3(plannedTotal), reconstructedTotalMu: round3(total) },
    });
  }
  const finalPose = session.drivers.couch.latest?.actual;
  const target = ctx.approvedCouchTarget;
  const cfg = session.config.couch.inPosition;
  const dev = finalPose && target ? poseDeviation(finalPose, target) : undefined;
  const pending = ctx.pending;
  return {
    patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction, outcome: r.outcome, startedAt: r.startedAt, endedAt: new Date().toISOString(),
    registration: pending && { id: pending.registration.id, correction: pending.registration.correction, action: pending.classification.action, approvedBy: r.approvedBy },
    couch: finalPose && target && dev ? {
      approvedTarget: roundPose(target), finalPose: roundPose(finalPose), maxDeviationMm: round3(dev.maxMm), maxDeviationDeg: round3(dev.maxDeg),
      withinTolerance: dev.maxMm <= cfg.translationMm && dev.maxDeg <= cfg.rotationDeg, toleranceMm: cfg.translationMm, toleranceDeg: cfg.rotationDeg,
    } : undefined,
    beams, holds: r.holds, faultReason: ctx.faultReason,
    framesRejected: { mlc: session.drivers.mlc.counters.framesRejected, couch: session.drivers.couch.counters.framesRejected, beam: session.drivers.beam.counters.framesRejected },
  };
}

const roundPose = (p: Pose6): Pose6 => ({
  lateralMm: round3(p.lateralMm), longitudinalMm: round3(p.longitudinalMm), verticalMm: round3(p.verticalMm),
  pitchDeg: round3(p.pitchDeg), rollDeg: round3(p.rollDeg), yawDeg: round3(p.yawDeg),
});

export const fmtPose = (p: Pose6): string =>
  `lat ${p.lateralMm.toFixed(1)} long ${p.longitudinalMm.toFixed(1)} vert ${p.verticalMm.toFixed(1)} mm, pitch ${p.pitchDeg.toFixed(2)} roll ${p.rollDeg.toFixed(2)} yaw ${p.yawDeg.toFixed(2)}°`;
