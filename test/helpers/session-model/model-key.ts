/**
 * The abstract key of a model state (serializeState): the state value, the
 * discrete context that guards read, the room, and every timer as a bucket of
 * its age relative to now. Never an absolute time or a growing counter.
 * In fault and aborted the key keeps only what those states still judge.
 */
import { stateName } from '../../../src/bridge/bridge-session.js';
import { backupTimerLimitMs, irradiationMs } from '../../../src/interlock/session-guards.js';
import type { SessionContext } from '../../../src/interlock/session-types.js';
import type { AbstractRoom } from './abstract-room.js';
import type { Monitor } from './invariants.js';
import { LARGE_STEP_MS } from './model-config.js';
import { bucket, faultRoomKey, roomKey } from './room-changes.js';

export interface KeyParts {
  readonly value: unknown;
  readonly context: SessionContext;
  readonly room: AbstractRoom;
  /** The room as last reported (the machine's stored evidence), and when. */
  readonly reported: AbstractRoom;
  readonly reportedAtMs: number;
  readonly nowMs: number;
  readonly monitor: Monitor;
}

const bit = (b: boolean) => (b ? '1' : '0');
const since = (nowMs: number, atMs: number | undefined) => (atMs === undefined ? undefined : nowMs - atMs);

function timers(p: KeyParts, top: string): string {
  const c = p.context;
  const limit = backupTimerLimitMs(c);
  const irr = irradiationMs(c, { type: 'TICK', atMs: p.nowMs });
  const out = [
    // stored evidence: links fresh up to 150 ms, status up to 300 ms
    `age${bucket(Math.max(1, p.nowMs - p.reportedAtMs), [151, 301])}`,
    top === 'fault' || top === 'aborted' ? '' : `irr${limit === undefined ? '-' : bucket(irr, [limit - LARGE_STEP_MS, limit + 0.001])}`,
  ];
  if (top === 'setup') out.push(`pend${c.pending ? `${c.pending.classification.maxTranslationMm}${bucket(p.nowMs - c.pending.receivedAtMs, [c.approvalTtlMs + 1])}` : '-'}`);
  if (top === 'setup') out.push(`settle${bucket(since(p.nowMs, c.couchInPositionSinceMs), [c.settleMs])}`);
  // the confirm and hold timers are read only with the readback: unconfirmed beam-on, and a beam still on after a hold
  if (top === 'beamOn' && !c.beamOnConfirmed) out.push(`on${bucket(since(p.nowMs, c.beamOnSinceMs), [1001])}`);
  if (top === 'beamHold' && p.reported.linac === 'BeamOn') out.push(`hold${bucket(since(p.nowMs, c.holdSinceMs), [1001])}`);
  if (top === 'fault' || top === 'aborted') out.push(`term${bucket(since(p.nowMs, c.terminateSentAtMs), [100])}`);
  return out.join(' ');
}

export function modelKey(p: KeyParts): string {
  const c = p.context;
  const value = stateName(p.value);
  const top = value.split('.')[0];
  // fault and aborted accept every report, so every room is reachable from every other there: only the
  // reported room (what RESET and the terminate repeat judge) is kept, cut to what they read
  if (top === 'fault') return `${value}|b${c.beamIndex}s${c.segmentIndex}|${timers(p, top)}|E ${faultRoomKey(p.reported)}`;
  if (top === 'fractionComplete') return value; // only the root handlers, which read only the event
  if (top === 'aborted') return `${value}|${timers(p, top)}|E ${p.reported.linac === 'BeamOn' ? 'on' : 'off'}${bit(p.reported.staleBeam)}`;
  const flags = [c.plan !== undefined, c.approvedCouchTarget !== undefined, c.setupVerified, c.verificationRequired, c.beamOnConfirmed, c.startPermitRequired, p.monitor.resumedAtBoundary].map(bit).join('');
  const room = roomKey(p.room, p.nowMs);
  const reported = roomKey(p.reported, p.nowMs);
  return `${value}|b${c.beamIndex}s${c.segmentIndex}|L${[...c.latchedFaults].sort().join(',')}|${flags}|${timers(p, top)}|R ${room}|E ${reported === room ? '=' : reported}`;
}
