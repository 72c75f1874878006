/**
 * The main job: one fraction end to end, with the runner in the therapist's
 * seat (it approves the registration and presses beam-on for each beam; the
 * statechart decides everything else). Returns the fraction record.
 */
import { filter, firstValueFrom, from, map, race, timer } from 'rxjs';
import { checkOperator } from '../core/identifiers.js';
import type { Pose6 } from '../core/pose.js';
import { beamMu, type Plan } from '../domain/plan/plan.js';
import type { BridgeSession } from './bridge-session.js';
import { stateName } from './bridge-session.js';
import { addDeliveries, beamTotals, type BeamDelivery, type RunBeam } from './delivery-ledger.js';
import type { FractionRecord, RecoveredDelivery } from './fraction-record.js';
import { buildRecord } from './record-builder.js';
import { fullRun, planForRun } from './remaining-work.js';
import { safeStop } from './safe-stop.js';
import { SegmentTracker } from './segment-tracker.js';

export interface RunnerOptions {
  readonly operator: string;
  /** The physician who approves a review-level correction (absent: such a correction stops the run unapproved). */
  readonly physician?: string;
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
  /** Resolves with a reason (SIGINT, SIGTERM, an error) when the run must stop now. */
  readonly stopRequested?: Promise<string>;
  /**
   * Continue an interrupted fraction: deliver only `run` (the remaining MU)
   * on top of `baseline` (what was delivered, recovered from the journal).
   */
  readonly resume?: { readonly run: readonly RunBeam[]; readonly baseline: readonly BeamDelivery[]; readonly recovered: RecoveredDelivery };
}

const TERMINAL = new Set(['fault', 'aborted', 'fractionComplete']);

export async function runFraction(session: BridgeSession, fullPlan: Plan, opts: RunnerOptions): Promise<FractionRecord> {
  checkOperator(opts.operator, 'operator'); // every approval and beam-on is journaled with a named operator
  if (opts.physician !== undefined) checkOperator(opts.physician, 'physician');
  const startedAt = new Date().toISOString();
  const run = opts.resume?.run ?? fullRun(fullPlan);
  const baseline = opts.resume?.baseline ?? [];
  const plan = planForRun(fullPlan, run);
  const tracker = new SegmentTracker(session.drivers, fullPlan, run, session.config, (beamId, index, mu1, mu2) => {
    const planned = fullPlan.beams.find((b) => b.id === beamId)?.segments[index]?.mu;
    const aperture = tracker.apertures.get(beamId)?.get(index);
    opts.log(`  beam ${beamId} segment ${index + 1}/${fullPlan.beams.find((b) => b.id === beamId)?.segments.length}: ${mu1.toFixed(3)} MU (planned ${planned}), cumulative ch2 ${mu2.toFixed(3)} MU${aperture ? '' : ', aperture readback not on bixel edges'}`);
  });
  let stopReason: string | undefined;
  void opts.stopRequested?.then((reason) => (stopReason = reason));
  const stop$ = from(opts.stopRequested ?? new Promise<string>(() => undefined)).pipe(map((reason) => {
    stopReason = reason;
    return 'interrupted';
  }));
  // the identity and the work of this run, before any beam: recovery reads it back
  session.note('session', { event: 'fraction', patientId: fullPlan.patientId, planId: fullPlan.planId, fraction: fullPlan.fraction, run, baseline, resumeOf: opts.resume?.recovered.journal, resumedBy: opts.resume?.recovered.operator });
  const holds: FractionRecord['holds'] = [];
  const states$ = from(session.actor);
  let previous = '';
  const stateSub = states$.subscribe((s) => {
    const name = stateName(s.value);
    if (name === 'beamHold' && previous !== 'beamHold') {
      holds.push({ causes: s.context.holdCauses, atIso: new Date().toISOString() });
      const leaf = session.leafError;
      const off = leaf && s.context.holdCauses.includes('IL-MLC-NOT-IN-POSITION') ? ` (bank ${leaf.bank} leaf pair ${leaf.pair} ${leaf.maxErrorMm.toFixed(2)} mm off its trajectory at ${leaf.muWindow[1].toFixed(2)} MU)` : '';
      opts.log(`beam hold: ${s.context.holdCauses.join(', ') || 'operator / linac'}${off}`);
    }
    previous = name;
  });
  const deadline = performance.now() + opts.timeoutMs;
  const waitFor = async (wanted: (name: string) => boolean): Promise<string> => {
    const left = Math.max(1, deadline - performance.now());
    const reached$ = states$.pipe(map((s) => stateName(s.value)), filter((n) => wanted(n) || TERMINAL.has(n)));
    if (stopReason) return 'interrupted';
    return firstValueFrom(race(reached$, stop$, timer(left).pipe(map(() => 'timeout'))));
  };
  const policy = opts.resumeAfterHold;
  /** The therapist's patience: while `pending`, wait and `press` again; give up (Stop) when the policy says so. */
  const pressWhile = async (pending: () => boolean, press: () => void, spent: () => boolean, giveUpAs: string): Promise<void> => {
    const since = performance.now();
    while (pending()) {
      if (stopReason) throw new Stop('interrupted');
      if (!policy || spent() || performance.now() - since > policy.giveUpAfterMs) throw new Stop(giveUpAs);
      await new Promise((r) => setTimeout(r, policy.waitMs));
      if (stopReason) throw new Stop('interrupted');
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
    opts.log(`plan ${plan.planId} for ${plan.patientId}, fraction ${plan.fraction}: ${plan.beams.length} beams, ${plan.beams.map((b) => `${beamMu(b)} MU`).join(' + ')}${opts.resume ? ` (remaining after ${opts.resume.recovered.journal})` : ''}`);
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
    // the approver's role is the identity named for it, never one the runner picks: a review-level
    // correction needs a physician named by the caller (simulate --physician), or the run stops here
    const approver = pending.classification.action === 'review' ? opts.physician && { user: opts.physician, role: 'physician' as const } : { user: opts.operator, role: 'therapist' as const };
    if (!approver) {
      opts.log(`correction needs physician review (${pending.classification.reasons.join('; ')}): no physician named (--physician <name>); not approved`);
      session.note('rejection', { what: 'approval', registrationId: pending.registration.id, reason: 'review-level correction and no physician named', operator: opts.operator });
      throw new Stop('aborted');
    }
    approvedBy = approver.user;
    session.approve(pending.registration.id, approver);
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
      const seen = beamTotals(addDeliveries(baseline, tracker.delivered()), beam.id);
      opts.log(`beam ${beam.id} delivered: ${seen.mu1.toFixed(3)} / ${seen.mu2.toFixed(3)} MU`);
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    outcome = e.state === 'timeout' ? 'timeout' : e.state === 'interrupted' ? 'interrupted' : e.state === 'fault' ? 'fault' : e.state === 'beamHold' ? 'held' : 'aborted';
    stopReason ??= e.state === 'timeout' ? 'timeout' : undefined;
    opts.log(`fraction stopped: ${stopReason ?? e.state}${session.snapshot.context.faultReason ? ` (${session.snapshot.context.faultReason})` : ''}`);
  } finally {
    stateSub.unsubscribe();
    if (outcome !== 'complete') {
      // whatever ended the run: a beam on is held in the statechart too (its state then matches the
      // linac's), no more decisions, then beam held and couch stopped, confirmed by readback
      if (session.stateName === 'beamOn') session.send({ type: 'OPERATOR_HOLD', operator: `safe-stop (${stopReason ?? outcome})` });
      session.halt();
      const stopped = await safeStop(session.drivers, { append: (k, d) => session.note(k, d) }, stopReason ?? outcome);
      opts.log(`safe stop: beam ${stopped.beamOff ? 'off' : 'NOT CONFIRMED OFF'} (${stopped.beam ? `linac ${stopped.beam.mu1.toFixed(3)} / ${stopped.beam.mu2.toFixed(3)} MU` : 'no readback'}), couch ${stopped.couchStill ? 'still' : 'NOT CONFIRMED STILL'}`);
    }
    tracker.finish();
    tracker.stop();
  }
  const record = await buildRecord(session, fullPlan, tracker, baseline, { outcome, stopReason, startedAt, approvedBy, holds, resumed: opts.resume?.recovered });
  session.note('record', record);
  return record;
}

class Stop extends Error {
  constructor(readonly state: string) {
    super(state);
  }
}

export const fmtPose = (p: Pose6): string =>
  `lat ${p.lateralMm.toFixed(1)} long ${p.longitudinalMm.toFixed(1)} vert ${p.verticalMm.toFixed(1)} mm, pitch ${p.pitchDeg.toFixed(2)} roll ${p.rollDeg.toFixed(2)} yaw ${p.yawDeg.toFixed(2)}°`;
