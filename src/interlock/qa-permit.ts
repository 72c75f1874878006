/**
 * The beam permit in QA mode (docs/qa.md): the same evaluatePermit over the same
 * fresh evidence, with the QA beam's own preset, dose rate and backup timer as the
 * expectations. Only the interlocks that judge a patient's setup are not applicable
 * (no plan, no registration, no couch target, no MLC aperture from a plan, no
 * intrafraction monitoring); every safety interlock — door, e-stop, links, dose
 * channels, MU overrun, backup timer, couch moving and faults, journal — stays.
 */
import { evaluatePermit, observedLatchedFaults, type PermitMode, type PermitResult } from './evaluate-permit.js';
import { latchPolicy, type InterlockId } from './interlock-catalogue.js';
import { evidenceOf, irradiationMs } from './session-guards.js';
import type { QaBeam, SessionContext, SessionEvent } from './session-types.js';

/** The interlocks about a patient's plan and setup: not applicable to a QA beam (no patient on the couch). */
export const PATIENT_ONLY_INTERLOCKS: readonly InterlockId[] = [
  'IL-PLAN-NOT-LOADED',
  'IL-SETUP-NOT-VERIFIED',
  'IL-COUCH-NOT-IN-POSITION',
  'IL-MLC-NOT-IN-POSITION',
  'IL-MOTION-OUT-OF-WINDOW',
  'IL-MOTION-STALE',
];

const applicable = (ids: readonly InterlockId[]): InterlockId[] => ids.filter((id) => !PATIENT_ONLY_INTERLOCKS.includes(id));

function expectations(b: QaBeam | undefined) {
  return { selectedBeamId: b?.beamId, expectedSegmentEndMu: b?.presetMu, expectedPresetMu: b?.presetMu, expectedDoseRateMuPerMin: b?.doseRateMuPerMin };
}

/** The QA beam's backup timer: preset time × factor + margin, ms (the same rule as a patient beam's). */
export function qaBackupTimerLimitMs(c: SessionContext): number | undefined {
  const b = c.qa?.beam;
  return b && (b.presetMu / b.doseRateMuPerMin) * 60_000 * c.tolerances.backupTimerFactor + c.tolerances.backupTimerMarginMs;
}

export function qaPermitFor(c: SessionContext, e: SessionEvent, mode: PermitMode = 'start'): PermitResult {
  const r = evaluatePermit(
    {
      planLoaded: false, setupVerified: false, approvedCouchTarget: undefined, expectedLeaves: undefined,
      ...expectations(c.qa?.beam),
      irradiationMs: irradiationMs(c, e),
      backupTimerLimitMs: qaBackupTimerLimitMs(c),
      latchedFaults: c.latchedFaults,
      evidence: evidenceOf(c, e),
      tolerances: { ...c.tolerances, motion: undefined },
    },
    e.atMs,
    mode,
  );
  const unmet = applicable(r.unmet);
  return { permitted: unmet.length === 0, unmet, causes: applicable(r.causes) };
}

/** Faults that latch in QA mode: observed on fresh evidence against the QA beam, and its backup timer. */
export function qaLatchedNow(c: SessionContext, e: SessionEvent): InterlockId[] {
  const observed = observedLatchedFaults(evidenceOf(c, e), c.tolerances, e.atMs, expectations(c.qa?.beam));
  const limit = qaBackupTimerLimitMs(c);
  return limit !== undefined && irradiationMs(c, e) > limit ? [...observed, 'IL-BACKUP-TIMER'] : observed;
}

/** Interlocks that must hold a running QA beam (unmet: what guards judge). */
export const qaHoldCauses = (c: SessionContext, e: SessionEvent): InterlockId[] => qaPermitFor(c, e, 'running').unmet.filter((id) => latchPolicy(id) === 'hold');

/** The same, as causes to record and show (stale evidence named stale). */
export const qaReportedHoldCauses = (c: SessionContext, e: SessionEvent): InterlockId[] => qaPermitFor(c, e, 'running').causes.filter((id) => latchPolicy(id) === 'hold');
