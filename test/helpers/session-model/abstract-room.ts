/**
 * A small discrete treatment room for the abstract session model. It obeys the
 * session's commands the way the devices would (ARM, segment end, MLC and couch
 * moves, beam on, hold, terminate) and can be changed one variable at a time by
 * the event generator (door, e-stop, links, linac state, MU, channels, couch,
 * MLC, motion, journal, preset, device faults). Every value is discrete; the
 * only times it holds (motion window change) are serialized relative to now.
 */
import type { Pose6 } from '../../../src/core/pose.js';
import { ZERO_POSE } from '../../../src/core/pose.js';
import type { Evidence } from '../../../src/interlock/evidence.js';
import type { SessionCommand } from '../../../src/interlock/session-types.js';
import { BeamState, TerminationReason } from '../../../src/protocol/beam-protocol.js';
import { CouchFault } from '../../../src/protocol/couch-register-map.js';
import type { MlcPositions } from '../../../src/protocol/mlc-protocol.js';
import { STALE_AGE_MS } from './model-config.js';

export const LINAC_VARIANTS = ['Idle', 'Armed', 'BeamOn', 'Held', 'SegmentEnd', 'Terminated'] as const;
export type LinacVariant = (typeof LINAC_VARIANTS)[number];
export const POSITION_VARIANTS = ['atTarget', 'off', 'moving'] as const;
export type PositionVariant = (typeof POSITION_VARIANTS)[number];

export interface AbstractRoom {
  readonly doorOpen: boolean;
  readonly estop: boolean;
  readonly staleMlc: boolean;
  readonly staleCouch: boolean;
  readonly staleBeam: boolean;
  readonly linac: LinacVariant;
  readonly armedBeamId: number;
  readonly presetMu: number;
  readonly doseRateMuPerMin: number;
  readonly segmentEndMu: number;
  readonly mu1: number;
  readonly channelsDisagree: boolean;
  readonly presetMismatch: boolean;
  readonly couch: PositionVariant;
  readonly couchTarget: Pose6;
  readonly couchFault: boolean;
  readonly mlc: PositionVariant;
  /** The leaves of the last MOVE_MLC, and which beam and segment they were for. */
  readonly mlcTarget?: { readonly leaves: MlcPositions; readonly tag: string };
  readonly mlcFault: boolean;
  /** Intrafraction monitoring (SRS): in or out of window since sinceMs; stale = no recent sample. */
  readonly motion?: { readonly inWindow: boolean; readonly sinceMs: number; readonly stale: boolean };
  readonly journalUnwritable: boolean;
}

export function nominalRoom(withMotion: boolean): AbstractRoom {
  return {
    doorOpen: false, estop: false, staleMlc: false, staleCouch: false, staleBeam: false,
    linac: 'Idle', armedBeamId: 0, presetMu: 0, doseRateMuPerMin: 0, segmentEndMu: 0, mu1: 0, channelsDisagree: false, presetMismatch: false,
    couch: 'atTarget', couchTarget: ZERO_POSE, couchFault: false, mlc: 'atTarget', mlcFault: false,
    motion: withMotion ? { inWindow: true, sinceMs: -10_000, stale: false } : undefined, journalUnwritable: false,
  };
}

/** How many things are wrong in the room at once (the single-fault count; linac state and MU are progress, not faults). */
export function deviations(r: AbstractRoom): number {
  const flags = [r.doorOpen, r.estop, r.staleMlc, r.staleCouch, r.staleBeam, r.channelsDisagree, r.presetMismatch, r.couchFault, r.mlcFault, r.journalUnwritable,
    r.couch !== 'atTarget', r.mlcTarget !== undefined && r.mlc !== 'atTarget', r.mu1 > r.segmentEndMu + 1e-9, !!r.motion && !r.motion.inWindow, !!r.motion?.stale];
  return flags.filter(Boolean).length;
}

/** The room after it carried out the session's commands. */
export function obey(r: AbstractRoom, commands: readonly SessionCommand[]): AbstractRoom {
  let room = r;
  for (const c of commands) {
    switch (c.command) {
      case 'MOVE_COUCH': room = { ...room, couch: 'atTarget', couchTarget: c.target }; break;
      case 'MOVE_MLC': room = { ...room, mlc: 'atTarget', mlcTarget: { leaves: c.leaves, tag: `${c.beamId}/${c.segment}` } }; break;
      case 'ARM_BEAM': room = { ...room, linac: 'Armed', armedBeamId: c.beamId, presetMu: c.presetMu, doseRateMuPerMin: c.doseRateMuPerMin, mu1: 0, segmentEndMu: 0, channelsDisagree: false, presetMismatch: false }; break;
      case 'SET_SEGMENT_END': room = { ...room, segmentEndMu: c.endMu }; break;
      case 'BEAM_ON': if (['Armed', 'Held', 'SegmentEnd'].includes(room.linac)) room = { ...room, linac: 'BeamOn' }; break;
      case 'HOLD_BEAM': if (room.linac === 'BeamOn') room = { ...room, linac: 'Held' }; break;
      case 'TERMINATE_BEAM': if (room.linac !== 'Idle') room = { ...room, linac: 'Terminated' }; break;
      default: break;
    }
  }
  return room;
}

function linacState(r: AbstractRoom): BeamState {
  if (r.linac === 'SegmentEnd') return r.mu1 >= r.presetMu - 1e-9 ? BeamState.Complete : BeamState.SegmentDone;
  return BeamState[r.linac];
}

/** What the room reports at nowMs: each link heard now, or STALE_AGE_MS ago when stale. */
export function roomEvidence(r: AbstractRoom, nowMs: number): Evidence {
  const heard = (stale: boolean) => (stale ? nowMs - STALE_AGE_MS : nowMs);
  const couchActual = r.couch === 'off' ? { ...r.couchTarget, lateralMm: r.couchTarget.lateralMm + 0.8 } : r.couchTarget;
  const leaves = r.mlcTarget && (r.mlc === 'off' ? { ...r.mlcTarget.leaves, bankBMm: r.mlcTarget.leaves.bankBMm.map((v) => v - 1.5) } : r.mlcTarget.leaves);
  return {
    beam: {
      atMs: heard(r.staleBeam),
      status: {
        state: linacState(r), beamId: r.armedBeamId, mu1: r.mu1, mu2: r.mu1 + (r.channelsDisagree ? 0.7 : 0), presetMu: r.presetMismatch ? r.presetMu + 5 : r.presetMu,
        segmentEndMu: r.segmentEndMu, doseRateMuPerMin: r.doseRateMuPerMin, doorClosed: !r.doorOpen, emergencyStop: r.estop, watchdogHold: false, termination: TerminationReason.None, tick: 0,
      },
    },
    couch: {
      atMs: heard(r.staleCouch), actual: couchActual,
      status: { moving: r.couch === 'moving', inPosition: r.couch !== 'moving', fault: r.couchFault, targetValid: true, enabled: true, watchdogExpired: false, faultCode: r.couchFault ? CouchFault.Stall : CouchFault.None, moveId: 0, deviceTick: 0 },
    },
    mlc: leaves && {
      atMs: heard(r.staleMlc), positions: leaves,
      status: { moving: r.mlc === 'moving', inPosition: r.mlc !== 'moving', fault: r.mlcFault, targetsLoaded: true, faultCode: r.mlcFault ? 1 : 0, maxErrorMm: 0, tick: 0 },
    },
    journal: { writable: !r.journalUnwritable, pendingRecords: r.journalUnwritable ? 1 : 0, lostRecords: 0 },
    motion: r.motion && { lastSampleMs: heard(r.motion.stale), inWindow: r.motion.inWindow, sinceMs: r.motion.sinceMs, offsetMm: r.motion.inWindow ? [0.2, 0.1, -0.3] : [4, 0, 0] },
    links: { mlc: { lastValidRxMs: heard(r.staleMlc), staleAfterMs: 150 }, couch: { lastValidRxMs: heard(r.staleCouch), staleAfterMs: 150 }, beam: { lastValidRxMs: heard(r.staleBeam), staleAfterMs: 150 } },
  };
}
