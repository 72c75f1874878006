/**
 * The one beam permit: a whitelist over positive, fresh evidence. Pure and
 * total: it never throws and never reads a clock (the time is an argument).
 * Anything not positively shown to be safe is unmet.
 */
import { POSE_AXES, isRotationAxis, type Pose6 } from '../core/pose.js';
import { BeamState, MU_LSB, type BeamStatus } from '../protocol/beam-protocol.js';
import type { MlcPositions } from '../protocol/mlc-protocol.js';
import { doseChannelsAgree } from './dose-channels.js';
import { DYNAMIC_LEAF_TOLERANCE_MM, type Evidence, type LinkEvidence, type PermitTolerances } from './evidence.js';
import { INTERLOCK_IDS, type InterlockId } from './interlock-catalogue.js';

export interface PermitInput {
  readonly planLoaded: boolean;
  readonly setupVerified: boolean;
  readonly approvedCouchTarget: Pose6 | undefined;
  readonly expectedLeaves: MlcPositions | undefined;
  /** The selected beam is dynamic: its leaves are judged against the trajectory (Evidence.trajectory), not expectedLeaves. */
  readonly dynamicBeam?: boolean;
  /** Beam id the session has selected (armed on the linac). */
  readonly selectedBeamId: number | undefined;
  /** Cumulative MU at which the current segment must stop; the linac must report exactly this. */
  readonly expectedSegmentEndMu: number | undefined;
  /** The selected beam's planned preset MU and dose rate: the linac must report exactly these. */
  readonly expectedPresetMu?: number;
  readonly expectedDoseRateMuPerMin?: number;
  /** Time the selected beam has been on so far (cumulative across interruptions), and its backup-timer limit, ms. */
  readonly irradiationMs?: number;
  readonly backupTimerLimitMs?: number;
  readonly latchedFaults: readonly InterlockId[];
  readonly evidence: Evidence;
  readonly tolerances: PermitTolerances;
}

export interface PermitResult {
  readonly permitted: boolean;
  /** Unmet interlocks in catalogue order. */
  readonly unmet: InterlockId[];
  /**
   * The unmet interlocks as causes to show and record: an interlock judged from a
   * device's values is reported as that device's stale interlock when its evidence
   * is stale or absent (a door last seen 0.5 s ago is not known to be open; its
   * report is what is missing). Same safety meaning as `unmet`, which guards use.
   */
  readonly causes: InterlockId[];
}

/** Interlocks judged from one device's reported values, and the interlock that names that evidence stale. */
const JUDGED_FROM: ReadonlyArray<{ readonly stale: InterlockId; readonly from: readonly InterlockId[] }> = [
  { stale: 'IL-BEAM-STALE', from: ['IL-BEAM-NOT-READY', 'IL-DOOR-OPEN', 'IL-EMERGENCY-STOP', 'IL-DOSE-CHANNELS-DISAGREE', 'IL-MU-OVERRUN', 'IL-PRESET-MISMATCH'] },
  { stale: 'IL-COUCH-STALE', from: ['IL-COUCH-NOT-IN-POSITION', 'IL-COUCH-MOVING', 'IL-COUCH-FAULT'] },
  { stale: 'IL-MLC-STALE', from: ['IL-MLC-NOT-IN-POSITION', 'IL-MLC-FAULT'] },
];

/** The device whose reported values an interlock is judged from (undefined: none, e.g. an event latch). */
export function evidenceDeviceOf(id: InterlockId): 'beam' | 'couch' | 'mlc' | undefined {
  const owner = JUDGED_FROM.find((j) => j.from.includes(id))?.stale;
  return owner === 'IL-BEAM-STALE' ? 'beam' : owner === 'IL-COUCH-STALE' ? 'couch' : owner === 'IL-MLC-STALE' ? 'mlc' : undefined;
}

export const fresh = (atMs: number | undefined, nowMs: number, maxAgeMs: number): boolean => atMs !== undefined && nowMs - atMs <= maxAgeMs && nowMs - atMs >= -1;
/** A link heard from within its staleAfterMs at nowMs (the rule behind IL-*-STALE). */
export const linkFresh = (l: LinkEvidence, nowMs: number): boolean => fresh(l.lastValidRxMs, nowMs, l.staleAfterMs);

export function couchWithin(actual: Pose6, target: Pose6, t: Pick<PermitTolerances, 'couchTranslationMm' | 'couchRotationDeg'>): boolean {
  return POSE_AXES.every((axis) => Math.abs(actual[axis] - target[axis]) <= (isRotationAxis(axis) ? t.couchRotationDeg : t.couchTranslationMm));
}

export function maxLeafErrorMm(actual: MlcPositions, expected: MlcPositions): number {
  if (actual.bankAMm.length !== expected.bankAMm.length || actual.bankBMm.length !== expected.bankBMm.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < expected.bankAMm.length; i++) m = Math.max(m, Math.abs(actual.bankAMm[i] - expected.bankAMm[i]), Math.abs(actual.bankBMm[i] - expected.bankBMm[i]));
  return Number.isFinite(m) ? m : Number.POSITIVE_INFINITY;
}

/**
 * `start`: may the beam start (or resume)? `running`: must a running beam be held?
 * They differ only for motion: a running beam holds once the target has been out
 * of its window longer than the debounce; a start needs it inside for the dwell.
 */
export type PermitMode = 'start' | 'running';

function motionClear(p: PermitInput, nowMs: number, mode: PermitMode): { window: boolean; fresh: boolean } {
  const t = p.tolerances.motion;
  if (!t?.required) return { window: true, fresh: true }; // not applicable to this session
  const m = p.evidence.motion;
  if (!m) return { window: false, fresh: false };
  const fresh = nowMs - m.lastSampleMs <= t.staleAfterMs && nowMs - m.lastSampleMs >= -1;
  const since = nowMs - m.sinceMs;
  const window = mode === 'start' ? m.inWindow && since >= t.dwellMs : m.inWindow || since < t.debounceMs;
  return { window, fresh };
}

/** Each interlock as a named predicate: true means positively clear. */
function clearances(p: PermitInput, nowMs: number, mode: PermitMode): Record<InterlockId, boolean> {
  const { evidence: e, tolerances: t } = p;
  const beam = e.beam && fresh(e.beam.atMs, nowMs, t.evidenceMaxAgeMs) ? e.beam.status : undefined;
  const couch = e.couch && fresh(e.couch.atMs, nowMs, t.evidenceMaxAgeMs) ? e.couch : undefined;
  const mlc = e.mlc && fresh(e.mlc.atMs, nowMs, t.evidenceMaxAgeMs) ? e.mlc : undefined;
  const beamReady =
    !!beam && p.selectedBeamId !== undefined && beam.beamId === p.selectedBeamId &&
    [BeamState.Armed, BeamState.SegmentDone, BeamState.Held, BeamState.BeamOn].includes(beam.state) &&
    p.expectedSegmentEndMu !== undefined && Math.abs(beam.segmentEndMu - p.expectedSegmentEndMu) < 0.0015 && beam.mu1 < beam.segmentEndMu;
  const motion = motionClear(p, nowMs, mode);
  return {
    'IL-PLAN-NOT-LOADED': p.planLoaded,
    'IL-SETUP-NOT-VERIFIED': p.setupVerified,
    'IL-BEAM-NOT-READY': beamReady,
    'IL-DOOR-OPEN': !!beam && beam.doorClosed,
    'IL-EMERGENCY-STOP': !!beam && !beam.emergencyStop,
    'IL-COUCH-NOT-IN-POSITION': !!couch && !!p.approvedCouchTarget && couchWithin(couch.actual, p.approvedCouchTarget, t),
    'IL-COUCH-MOVING': !!couch && !couch.status.moving,
    'IL-COUCH-FAULT': !!couch && !couch.status.fault,
    'IL-COUCH-MOTION': !p.latchedFaults.includes('IL-COUCH-MOTION'),
    'IL-MLC-NOT-IN-POSITION': p.dynamicBeam ? onTrajectory(p, mlc, nowMs, mode) : !!mlc && !!p.expectedLeaves && !mlc.status.moving && maxLeafErrorMm(mlc.positions, p.expectedLeaves) <= t.mlcPositionMm,
    'IL-MLC-FAULT': !!mlc && !mlc.status.fault,
    'IL-MLC-STALE': linkFresh(e.links.mlc, nowMs),
    'IL-COUCH-STALE': linkFresh(e.links.couch, nowMs),
    'IL-BEAM-STALE': linkFresh(e.links.beam, nowMs),
    'IL-DOSE-CHANNELS-DISAGREE': !!beam && doseChannelsAgree(beam.mu1, beam.mu2, t.muChannelDisagreement),
    'IL-MOTION-OUT-OF-WINDOW': motion.window,
    'IL-MOTION-STALE': motion.fresh,
    'IL-LATCHED-FAULT': p.latchedFaults.length === 0,
    'IL-JOURNAL-UNAVAILABLE': e.journal?.writable === true,
    'IL-UNEXPECTED-BEAM': !p.latchedFaults.includes('IL-UNEXPECTED-BEAM'),
    'IL-MU-OVERRUN': !!beam && !muOverrun(beam, p, t),
    'IL-BACKUP-TIMER': p.backupTimerLimitMs !== undefined && (p.irradiationMs ?? 0) < p.backupTimerLimitMs,
    'IL-PRESET-MISMATCH': !!beam && presetMatches(beam, p),
  };
}

/**
 * A dynamic beam's leaves are on their trajectory: the latest judgement is fresh and for the selected beam, within
 * dynamicLeafToleranceMm while the beam runs; to start or resume, within mlcPositionMm with the controller following
 * the trajectory (its status bit), so the leaves will move with the dose.
 */
function onTrajectory(p: PermitInput, mlc: Evidence['mlc'], nowMs: number, mode: PermitMode): boolean {
  const tr = p.evidence.trajectory;
  const t = p.tolerances;
  if (!mlc || !tr || tr.beamId !== p.selectedBeamId || !fresh(tr.atMs, nowMs, t.evidenceMaxAgeMs)) return false;
  if (mode === 'start') return mlc.status.trajectoryMode === true && tr.maxErrorMm <= t.mlcPositionMm;
  return tr.maxErrorMm <= (t.dynamicLeafToleranceMm ?? DYNAMIC_LEAF_TOLERANCE_MM);
}

type Expectations = Pick<PermitInput, 'selectedBeamId' | 'expectedSegmentEndMu' | 'expectedPresetMu' | 'expectedDoseRateMuPerMin'>;

/** Either channel above the selected beam's segment end by more than the tolerance. */
function muOverrun(beam: BeamStatus, p: Expectations, t: PermitTolerances): boolean {
  if (beam.beamId !== p.selectedBeamId || p.expectedSegmentEndMu === undefined || beam.state === BeamState.Idle) return false;
  return Math.max(beam.mu1, beam.mu2) > p.expectedSegmentEndMu + t.muOverrunMu || !Number.isFinite(beam.mu1 + beam.mu2);
}

/** The linac reports the selected beam with the planned preset and dose rate. */
function presetMatches(beam: BeamStatus, p: Expectations): boolean {
  return armedMismatch(beam, { beamId: p.selectedBeamId, presetMu: p.expectedPresetMu, doseRateMuPerMin: p.expectedDoseRateMuPerMin }) === undefined;
}

/**
 * The first armed parameter in which the linac's readback differs from the
 * plan (`beamId`, `presetMu`, `doseRateMuPerMin`), or undefined when all match.
 * An unknown expectation never matches.
 */
export function armedMismatch(
  beam: Pick<BeamStatus, 'beamId' | 'presetMu' | 'doseRateMuPerMin'>,
  planned: { readonly beamId: number | undefined; readonly presetMu: number | undefined; readonly doseRateMuPerMin: number | undefined },
): { field: 'beamId' | 'presetMu' | 'doseRateMuPerMin'; planned: number | undefined; actual: number } | undefined {
  if (planned.beamId === undefined || beam.beamId !== planned.beamId) return { field: 'beamId', planned: planned.beamId, actual: beam.beamId };
  if (planned.presetMu === undefined || !(Math.abs(beam.presetMu - planned.presetMu) < MU_LSB * 1.5)) return { field: 'presetMu', planned: planned.presetMu, actual: beam.presetMu };
  if (planned.doseRateMuPerMin === undefined || beam.doseRateMuPerMin !== planned.doseRateMuPerMin) return { field: 'doseRateMuPerMin', planned: planned.doseRateMuPerMin, actual: beam.doseRateMuPerMin };
  return undefined;
}

/** The linac reports the selected beam armed (an armed beam's preset is live), with a preset or dose rate other than the plan. */
function presetContradicted(beam: BeamStatus, p: Expectations): boolean {
  return beam.beamId === p.selectedBeamId && ARMED_STATES.includes(beam.state) && !presetMatches(beam, p);
}

const ARMED_STATES: readonly BeamState[] = [BeamState.Armed, BeamState.BeamOn, BeamState.Held, BeamState.SegmentDone];

export function evaluatePermit(p: PermitInput, nowMs: number, mode: PermitMode = 'start'): PermitResult {
  let c: Record<InterlockId, boolean>;
  try {
    c = clearances(p, nowMs, mode);
  } catch {
    return { permitted: false, unmet: [...INTERLOCK_IDS], causes: [...INTERLOCK_IDS] }; // a malformed input is not evidence of safety
  }
  const unmet = INTERLOCK_IDS.filter((id) => c[id] !== true);
  return { permitted: unmet.length === 0, unmet, causes: causesOf(unmet, staleEvidence(p, nowMs)) };
}

/** Which devices' value evidence cannot be judged now: absent, older than evidenceMaxAgeMs, or its link stale. */
function staleEvidence(p: PermitInput, nowMs: number): Set<InterlockId> {
  const e = p.evidence;
  const max = p.tolerances.evidenceMaxAgeMs;
  const out = new Set<InterlockId>();
  if (!e.beam || !fresh(e.beam.atMs, nowMs, max) || !linkFresh(e.links.beam, nowMs)) out.add('IL-BEAM-STALE');
  if (!e.couch || !fresh(e.couch.atMs, nowMs, max) || !linkFresh(e.links.couch, nowMs)) out.add('IL-COUCH-STALE');
  if (!e.mlc || !fresh(e.mlc.atMs, nowMs, max) || !linkFresh(e.links.mlc, nowMs)) out.add('IL-MLC-STALE');
  return out;
}

function causesOf(unmet: readonly InterlockId[], stale: ReadonlySet<InterlockId>): InterlockId[] {
  const named = new Set<InterlockId>();
  for (const id of unmet) {
    const device = JUDGED_FROM.find((d) => d.from.includes(id) && stale.has(d.stale));
    named.add(device ? device.stale : id);
  }
  return INTERLOCK_IDS.filter((id) => named.has(id));
}

/**
 * Faults shown by positive, fresh evidence (a fault bit, a pressed e-stop,
 * channels that disagree). These latch. Missing evidence does not latch:
 * it is already unmet in the permit and holds a running beam.
 */
export function observedLatchedFaults(e: Evidence, t: PermitTolerances, nowMs: number, expect: Expectations = { selectedBeamId: undefined, expectedSegmentEndMu: undefined }): InterlockId[] {
  const out: InterlockId[] = [];
  const beam = e.beam && fresh(e.beam.atMs, nowMs, t.evidenceMaxAgeMs) ? e.beam.status : undefined;
  if (beam?.emergencyStop) out.push('IL-EMERGENCY-STOP');
  if (e.couch && fresh(e.couch.atMs, nowMs, t.evidenceMaxAgeMs) && e.couch.status.fault) out.push('IL-COUCH-FAULT');
  if (e.mlc && fresh(e.mlc.atMs, nowMs, t.evidenceMaxAgeMs) && e.mlc.status.fault) out.push('IL-MLC-FAULT');
  if (beam && !doseChannelsAgree(beam.mu1, beam.mu2, t.muChannelDisagreement)) out.push('IL-DOSE-CHANNELS-DISAGREE');
  if (beam && expect.selectedBeamId !== undefined && muOverrun(beam, expect, t)) out.push('IL-MU-OVERRUN');
  if (beam && expect.selectedBeamId !== undefined && expect.expectedPresetMu !== undefined && presetContradicted(beam, expect)) out.push('IL-PRESET-MISMATCH');
  return out;
}
