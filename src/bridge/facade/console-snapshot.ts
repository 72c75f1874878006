/**
 * The console's view of the session, built from the statechart's context and the devices'
 * readback (never from commands: the beam state shown is the measured one). Pure functions
 * of their arguments; the facade calls them when a topic is due.
 */
import type { LoadedConfig } from '../../config/load-config.js';
import type { Pose6 } from '../../core/pose.js';
import { INTERLOCK_IDS, INTERLOCKS, type InterlockId } from '../../interlock/interlock-catalogue.js';
import { currentBeam, permitFor, presetMu } from '../../interlock/session-guards.js';
import type { SessionContext } from '../../interlock/session-types.js';
import { BeamState } from '../../protocol/beam-protocol.js';
import type { Readback, SessionSnapshot } from '../bridge-session.js';
import { stateName } from '../bridge-session.js';
import type { JournalTail } from './journal-tail.js';
import type { RegistrationQueue } from './registration-queue.js';

export const TOPICS = ['session', 'interlocks', 'links', 'couch', 'mlc', 'beam', 'registrations', 'journal'] as const;
export type Topic = (typeof TOPICS)[number];
/** Topics sent at the control-cycle rate (coalesced); the rest on change. */
export const READBACK_TOPICS: ReadonlySet<Topic> = new Set(['mlc', 'beam', 'couch']);

export type InterlockStatus = 'clear' | 'active' | 'latched' | 'unknown';

export interface SnapshotSources {
  readonly state: SessionSnapshot;
  readonly readback: Readback;
  readonly config: LoadedConfig;
  readonly nowMs: number;
  readonly registrations: RegistrationQueue;
  readonly tail: JournalTail;
  readonly imaging: { readonly fresh: boolean; readonly detail: string };
}

export function sessionPart(s: SessionSnapshot) {
  const c = s.context;
  return { state: stateName(s.value), tags: [...s.tags].sort(), planId: c.plan?.planId, patientId: c.plan?.patientId, beamIndex: c.beamIndex, beamCount: c.plan?.beams.length ?? 0, segmentIndex: c.segmentIndex, faultReason: c.faultReason, holdCauses: [...c.holdCauses] };
}

/** Every interlock with its status and why; unknown = the evidence it is judged from is stale or absent. */
export function interlocksPart(c: SessionContext, nowMs: number) {
  const permit = permitFor(c, { type: 'TICK', atMs: nowMs });
  return INTERLOCK_IDS.map((id) => {
    const status = interlockStatus(id, c, permit.unmet, permit.causes);
    const reason = status === 'latched' ? (c.faultReason ?? INTERLOCKS[id].reason) : status === 'active' ? INTERLOCKS[id].reason : status === 'unknown' ? `no fresh evidence: ${permit.causes.filter((x) => x.endsWith('-STALE')).join(', ') || 'device not reporting'}` : 'clear';
    return { id, title: title(id), status, reason, latch: INTERLOCKS[id].latch };
  });
}

function interlockStatus(id: InterlockId, c: SessionContext, unmet: readonly InterlockId[], causes: readonly InterlockId[]): InterlockStatus {
  if (c.latchedFaults.includes(id)) return 'latched';
  if (!unmet.includes(id)) return 'clear';
  return causes.includes(id) ? 'active' : 'unknown';
}

const title = (id: InterlockId): string => id.replace(/^IL-/, '').toLowerCase().replace(/-/g, ' ');

export function linksPart(r: Readback, imaging: SnapshotSources['imaging']) {
  const link = (name: 'mlc' | 'beam' | 'couch') => ({ fresh: r.fresh[name], detail: r.fresh[name] ? 'fresh' : r[name] ? 'STALE: no valid reply within staleAfterMs' : 'STALE: no reply yet' });
  return { mlc: link('mlc'), beam: link('beam'), couch: link('couch'), imaging };
}

export function couchPart(c: SessionContext, r: Readback, config: LoadedConfig) {
  const limits = { rangeMm: config.couch.rangeMm, rangeDeg: config.couch.rangeDeg };
  return {
    actual: r.couch?.actual ?? null,
    target: (c.approvedCouchTarget ?? null) as Pose6 | null,
    pendingCorrection: c.pending?.registration.correction ?? null,
    pendingTarget: c.pending?.target ?? null,
    moving: r.couch?.status.moving ?? null,
    limits,
  };
}

export function mlcPart(c: SessionContext, r: Readback) {
  const banks = (p: { bankAMm: readonly number[]; bankBMm: readonly number[] } | undefined) => (p ? { a: [...p.bankAMm], b: [...p.bankBMm] } : null);
  return { actualMm: banks(r.mlc?.positions), expectedMm: banks(c.expectedLeaves) };
}

export function beamPart(c: SessionContext, r: Readback) {
  const b = r.beam?.status;
  const beam = currentBeam(c);
  return {
    beamId: b?.beamId,
    mu1: b?.mu1 ?? 0,
    mu2: b?.mu2 ?? 0,
    plannedMu: beam && presetMu(beam),
    segmentEndMu: b?.segmentEndMu,
    doseRateMuPerMin: b?.doseRateMuPerMin ?? 0,
    // the measured state (readback), never the commanded one
    state: b ? BeamState[b.state] : 'unknown',
    doorClosed: b?.doorClosed ?? null,
  };
}

export function registrationsPart(q: RegistrationQueue) {
  return q.list().map((r) => ({
    id: r.id, source: r.source, classification: r.classification, reasons: r.reasons, correction: r.correction, target: r.target,
    status: r.status, receivedAt: r.receivedAt, approvedBy: r.approvedBy && { user: r.approvedBy.user, role: r.approvedBy.role }, moved: r.moved, rejectedBy: r.rejectedBy,
  }));
}

/** One topic's data. */
export function topicData(topic: Topic, s: SnapshotSources): unknown {
  const c = s.state.context;
  switch (topic) {
    case 'session': return sessionPart(s.state);
    case 'interlocks': return interlocksPart(c, s.nowMs);
    case 'links': return linksPart(s.readback, s.imaging);
    case 'couch': return couchPart(c, s.readback, s.config);
    case 'mlc': return mlcPart(c, s.readback);
    case 'beam': return beamPart(c, s.readback);
    case 'registrations': return registrationsPart(s.registrations);
    case 'journal': return s.tail.list();
  }
}

export function fullSnapshot(stateVersion: number, s: SnapshotSources): Record<string, unknown> {
  const data: Record<string, unknown> = { stateVersion };
  for (const t of TOPICS) data[t === 'journal' ? 'journalTail' : t] = topicData(t, s);
  return data;
}
