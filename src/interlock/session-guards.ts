/**
 * Pure judgements the statechart's guards and actions use. Each takes the
 * context and the event; evidence and time come from the event when it
 * carries them, so a guard judges exactly what the transition will store.
 */
import { beamMu, type PlanBeam } from '../domain/plan/plan.js';
import { apertureToLeaves } from '../domain/plan/aperture-leaves.js';
import { gradedSize } from '../domain/registration/classify-correction.js';
import type { MlcPositions } from '../protocol/mlc-protocol.js';
import { BeamState } from '../protocol/beam-protocol.js';
import { couchWithin, evaluatePermit, evidenceDeviceOf, fresh, observedLatchedFaults, type PermitMode, type PermitResult } from './evaluate-permit.js';
import type { Evidence } from './evidence.js';
import { EVENT_LATCHES, latchPolicy, type InterlockId } from './interlock-catalogue.js';
import type { SessionContext, SessionEvent } from './session-types.js';

export const evidenceOf = (c: SessionContext, e: SessionEvent): Evidence => (e.type === 'EVIDENCE' ? e.evidence : c.evidence);

export const currentBeam = (c: SessionContext): PlanBeam | undefined => c.plan?.beams[c.beamIndex];

/** Cumulative MU at the end of segment `k` of the current beam. */
export function segmentEndMu(c: SessionContext, k = c.segmentIndex): number | undefined {
  const beam = currentBeam(c);
  if (!beam || k >= beam.segments.length) return undefined;
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += beam.segments[i].mu;
  return Math.round(sum * 1000) / 1000;
}

/** The leaves segment k starts from: its aperture, or for a dynamic beam its first control point. */
export function leavesFor(c: SessionContext, k: number): MlcPositions | undefined {
  const beam = currentBeam(c);
  if (beam?.trajectory) return beam.trajectory[0].positions;
  return beam && k < beam.segments.length ? apertureToLeaves(beam.segments[k].rows, beam.grid, c.mlcModel) : undefined;
}

export function permitFor(c: SessionContext, e: SessionEvent, mode: PermitMode = 'start', expectedLeaves = c.expectedLeaves, segment = c.segmentIndex): PermitResult {
  return evaluatePermit(
    {
      planLoaded: c.plan !== undefined,
      setupVerified: c.setupVerified,
      approvedCouchTarget: c.approvedCouchTarget,
      expectedLeaves,
      dynamicBeam: currentBeam(c)?.trajectory !== undefined,
      selectedBeamId: currentBeam(c)?.id,
      expectedSegmentEndMu: segmentEndMu(c, segment),
      ...beamExpectations(c),
      irradiationMs: irradiationMs(c, e),
      backupTimerLimitMs: backupTimerLimitMs(c),
      latchedFaults: c.latchedFaults,
      evidence: evidenceOf(c, e),
      tolerances: c.tolerances,
    },
    e.atMs,
    mode,
  );
}

function beamExpectations(c: SessionContext) {
  const beam = currentBeam(c);
  return { expectedPresetMu: beam && presetMu(beam), expectedDoseRateMuPerMin: beam?.doseRateMuPerMin };
}

/** Beam-on time of the current beam so far, cumulative across segments and interruptions, ms. */
export const irradiationMs = (c: SessionContext, e: SessionEvent): number => c.irradiationMs + (c.beamOnConfirmedAtMs !== undefined ? Math.max(0, e.atMs - c.beamOnConfirmedAtMs) : 0);

/** The bridge's backup timer for the current beam: planned time × factor + margin, ms. */
export function backupTimerLimitMs(c: SessionContext): number | undefined {
  const beam = currentBeam(c);
  if (!beam) return undefined;
  return (presetMu(beam) / beam.doseRateMuPerMin) * 60_000 * c.tolerances.backupTimerFactor + c.tolerances.backupTimerMarginMs;
}

export function latchedNow(c: SessionContext, e: SessionEvent): InterlockId[] {
  const observed = observedLatchedFaults(evidenceOf(c, e), c.tolerances, e.atMs, { selectedBeamId: currentBeam(c)?.id, expectedSegmentEndMu: segmentEndMu(c), ...beamExpectations(c) });
  const limit = backupTimerLimitMs(c);
  return limit !== undefined && irradiationMs(c, e) > limit ? [...observed, 'IL-BACKUP-TIMER'] : observed;
}

/**
 * What keeps RESET from leaving fault, in words (empty: it may): a standing fault (event latches,
 * `clearedBy: 'beam-off'`, need nothing cleared), the couch moving, the linac reporting the beam on —
 * and, because a fault is cleared only on positive evidence, no fresh linac status (the beam off and
 * the e-stop released unconfirmed), or no fresh status from the device a latched fault is judged from
 * (an e-stop latch carried over a restart is not cleared by a linac that has not reported yet).
 */
export function resetBlockers(c: SessionContext, e: SessionEvent): string[] {
  const out: string[] = latchedNow(c, e).filter((id) => !EVENT_LATCHES.includes(id));
  const ev = evidenceOf(c, e);
  const freshFrom = (device: 'beam' | 'couch' | 'mlc'): boolean => {
    const d = ev[device];
    return !!d && fresh(d.atMs, e.atMs, c.tolerances.evidenceMaxAgeMs);
  };
  if (!freshFrom('beam')) out.push('no fresh linac status (the beam off is not confirmed)');
  for (const device of ['couch', 'mlc'] as const) {
    const judged = c.latchedFaults.filter((id) => evidenceDeviceOf(id) === device);
    if (judged.length && !freshFrom(device)) out.push(`no fresh ${device} status (${judged.join(', ')} not confirmed clear)`);
  }
  if (ev.couch?.status.moving) out.push('the couch moving');
  if (linacBeamOn(c, e)) out.push('the linac reporting the beam on');
  return out;
}

/** RESET may leave fault: no standing fault, the couch still, and the linac not reporting the beam on. */
export const resetAllowed = (c: SessionContext, e: SessionEvent): boolean => resetBlockers(c, e).length === 0;

/** Fresh readback shows the beam off. */
export const beamOffConfirmed = (c: SessionContext, e: SessionEvent): boolean => {
  const s = beamStatus(c, e);
  return s !== undefined && s.state !== BeamState.BeamOn;
};

/** Default of tolerances.mlcPositioningTimeoutMs, ms. */
export const MLC_POSITIONING_TIMEOUT_MS = 10_000;

/** Between segments (the beam paused at a segment end), the MLC has not reached the next segment in time. */
export const mlcPositioningOverdue = (c: SessionContext, e: SessionEvent): boolean =>
  c.segmentIndex > 0 && c.mlcPositioningSinceMs !== undefined && e.atMs - c.mlcPositioningSinceMs > (c.tolerances.mlcPositioningTimeoutMs ?? MLC_POSITIONING_TIMEOUT_MS);

/** A terminate is repeated this often until the readback shows the beam off, ms. */
export const TERMINATE_RETRY_MS = 100;

export const terminateDue = (c: SessionContext, e: SessionEvent): boolean =>
  !beamOffConfirmed(c, e) && (c.terminateSentAtMs === undefined || e.atMs - c.terminateSentAtMs >= TERMINATE_RETRY_MS);

/** The linac still reports the beam on longer than it may take to obey a hold. */
export const holdNotObeyed = (c: SessionContext, e: SessionEvent): boolean => linacBeamOn(c, e) && c.holdSinceMs !== undefined && e.atMs - c.holdSinceMs > BEAM_ON_CONFIRM_MS;

/** Interlocks that must hold a running beam (hold policy, unmet now). */
export const holdCauses = (c: SessionContext, e: SessionEvent): InterlockId[] => permitFor(c, e, 'running').unmet.filter((id) => latchPolicy(id) === 'hold');

/** The hold's causes as recorded and shown: stale evidence is named stale, not by the last value it held (PermitResult.causes). */
export const reportedHoldCauses = (c: SessionContext, e: SessionEvent): InterlockId[] => permitFor(c, e, 'running').causes.filter((id) => latchPolicy(id) === 'hold');

export function couchSettled(c: SessionContext, e: SessionEvent): boolean {
  const ev = evidenceOf(c, e);
  if (!ev.couch || !c.approvedCouchTarget || e.atMs - ev.couch.atMs > c.tolerances.evidenceMaxAgeMs) return false;
  if (ev.couch.status.moving || !couchWithin(ev.couch.actual, c.approvedCouchTarget, c.tolerances)) return false;
  return c.couchInPositionSinceMs !== undefined && e.atMs - c.couchInPositionSinceMs >= c.settleMs;
}

/** Start of the current in-position-and-still period, or undefined when the couch is not there. */
export function nextInPositionSince(c: SessionContext, e: SessionEvent): number | undefined {
  const ev = evidenceOf(c, e);
  const still = !!ev.couch && !!c.approvedCouchTarget && !ev.couch.status.moving && couchWithin(ev.couch.actual, c.approvedCouchTarget, c.tolerances);
  return still ? (c.couchInPositionSinceMs ?? e.atMs) : undefined;
}

function beamStatus(c: SessionContext, e: SessionEvent) {
  const ev = evidenceOf(c, e).beam;
  return ev && e.atMs - ev.atMs <= c.tolerances.evidenceMaxAgeMs ? ev.status : undefined;
}

/** The linac reports the current segment's MU delivered (paused at its end, or beam complete). */
export function segmentDelivered(c: SessionContext, e: SessionEvent): boolean {
  const s = beamStatus(c, e);
  const end = segmentEndMu(c);
  const beam = currentBeam(c);
  return !!s && !!beam && end !== undefined && s.beamId === beam.id && (s.state === BeamState.SegmentDone || s.state === BeamState.Complete) && s.mu1 >= end - 0.0015;
}

export const isLastSegment = (c: SessionContext): boolean => c.segmentIndex + 1 >= (currentBeam(c)?.segments.length ?? 0);
export const isLastBeam = (c: SessionContext): boolean => c.beamIndex + 1 >= (c.plan?.beams.length ?? 0);

/** The linac stopped the beam by itself (termination) while the session had it on. */
export function linacTerminated(c: SessionContext, e: SessionEvent): boolean {
  return beamStatus(c, e)?.state === BeamState.Terminated;
}

/** The linac reports the beam on (measured state). */
export const linacBeamOn = (c: SessionContext, e: SessionEvent): boolean => beamStatus(c, e)?.state === BeamState.BeamOn;

/**
 * The linac reports a hold the session did not command (its door, e-stop or
 * watchdog). Only after it was seen beam-on in this visit: a status taken
 * before it processed BEAM_ON still says Held.
 */
export const linacHeld = (c: SessionContext, e: SessionEvent): boolean => c.beamOnConfirmed && beamStatus(c, e)?.state === BeamState.Held;

/** The linac must report the beam on (or off after a hold) within this time of the session asking, ms. */
export const BEAM_ON_CONFIRM_MS = 1000;

export const beamOnUnconfirmed = (c: SessionContext, e: SessionEvent): boolean =>
  !c.beamOnConfirmed && !linacBeamOn(c, e) && c.beamOnSinceMs !== undefined && e.atMs - c.beamOnSinceMs > BEAM_ON_CONFIRM_MS;

export const presetMu = (beam: PlanBeam): number => Math.round(beamMu(beam) * 1000) / 1000;

/** The action levels of the loaded plan's protocol. */
export const levelsOf = (c: SessionContext) => (c.plan ? c.actionLevels[c.plan.protocol] : undefined);

/** Whether the pending correction, once applied, needs a verification image. */
export function needsVerification(c: SessionContext): boolean {
  const l = levelsOf(c);
  const p = c.pending;
  if (!l || !p) return true; // unknown: verify
  const size = gradedSize(p.classification);
  return l.alwaysVerify || size.mm > l.verifyAboveMm || size.deg > l.verifyAboveDeg;
}

/** A verification registration whose residual is inside the protocol's tolerance. */
export function verificationPassed(c: SessionContext, e: SessionEvent): boolean {
  const l = levelsOf(c);
  if (e.type !== 'REGISTRATION' || !l) return false;
  const k = e.pending.classification;
  const size = gradedSize(k);
  return k.action !== 'reject' && size.mm <= l.verificationToleranceMm && size.deg <= l.verificationToleranceDeg;
}

export const couchMovingNow = (c: SessionContext, e: SessionEvent): boolean => !!evidenceOf(c, e).couch?.status.moving;
