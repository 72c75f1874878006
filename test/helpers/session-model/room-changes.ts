/**
 * The one-variable changes the event generator may make to the abstract room,
 * and the room's abstract key. A change is offered when it keeps the number of
 * simultaneous faults within the model's limit (single-fault condition,
 * IEC 60601-1 4.7) or lowers it.
 */
import { LINAC_VARIANTS, POSITION_VARIANTS, deviations, type AbstractRoom } from './abstract-room.js';

/** Toggled faults; the others are set to a variant ('linac:BeamOn', 'mu:over', 'couch:off', …). */
export const TOGGLES = ['doorOpen', 'estop', 'staleMlc', 'staleCouch', 'staleBeam', 'channelsDisagree', 'presetMismatch', 'couchFault', 'mlcFault', 'journalUnwritable'] as const;
export type Toggle = (typeof TOGGLES)[number];

export type RoomChange =
  | Toggle
  | `linac:${(typeof LINAC_VARIANTS)[number]}`
  | 'mu:below' | 'mu:at' | 'mu:over'
  /** The linac delivers the segment: MU at the segment end, paused (or complete). */
  | 'deliver'
  | `couch:${(typeof POSITION_VARIANTS)[number]}`
  | `mlc:${(typeof POSITION_VARIANTS)[number]}`
  | 'motion:window' | 'motion:stale';

const MU_BY_CHANGE = { 'mu:below': -0.5, 'mu:at': 0, 'mu:over': 1.5 } as const;

/** The room after one change at nowMs. */
export function applyChange(r: AbstractRoom, change: RoomChange, nowMs: number): AbstractRoom {
  if ((TOGGLES as readonly string[]).includes(change)) return { ...r, [change]: !r[change as Toggle] };
  if (change === 'deliver') return { ...r, mu1: r.segmentEndMu, linac: 'SegmentEnd' };
  if (change in MU_BY_CHANGE) return { ...r, mu1: Math.max(0, r.segmentEndMu + MU_BY_CHANGE[change as keyof typeof MU_BY_CHANGE]) };
  if (change === 'motion:window') return r.motion ? { ...r, motion: { ...r.motion, inWindow: !r.motion.inWindow, sinceMs: nowMs } } : r;
  if (change === 'motion:stale') return r.motion ? { ...r, motion: { ...r.motion, stale: !r.motion.stale } } : r;
  const [kind, variant] = change.split(':');
  return { ...r, [kind]: variant };
}

/** Every change the generator offers in this room (no-op changes left out). */
export function roomChanges(r: AbstractRoom, maxDeviations: number, toggles: readonly Toggle[] = TOGGLES): RoomChange[] {
  const all: RoomChange[] = [
    ...toggles,
    ...LINAC_VARIANTS.map((v) => `linac:${v}` as const),
    'mu:below', 'mu:at', 'mu:over', 'deliver',
    ...POSITION_VARIANTS.map((v) => `couch:${v}` as const),
    ...(r.mlcTarget ? POSITION_VARIANTS.map((v) => `mlc:${v}` as const) : []),
    ...(r.motion ? (['motion:window', 'motion:stale'] as const) : []),
  ];
  const before = deviations(r);
  return all.filter((c) => {
    const next = applyChange(r, c, 0);
    if (roomKey(next, 0) === roomKey(r, 0)) return false;
    const d = deviations(next);
    return d <= maxDeviations || d < before;
  });
}

/** Time-since buckets, relative to now: [0], (0, a), [a, b), … ≥ last. */
export function bucket(elapsedMs: number | undefined, thresholdsMs: readonly number[]): string {
  if (elapsedMs === undefined) return '-';
  if (elapsedMs <= 0) return '0';
  const i = thresholdsMs.findIndex((t) => elapsedMs < t);
  return i < 0 ? `>=${thresholdsMs[thresholdsMs.length - 1]}` : `<${thresholdsMs[i]}`;
}

const bit = (b: boolean) => (b ? '1' : '0');

/** MU against the segment end the linac holds: every guard reads MU only through this relation (the channels differ by 0 or 0.7 MU). */
const muRelation = (r: AbstractRoom) => (r.mu1 < r.segmentEndMu - 1e-9 ? 'below' : r.mu1 > r.segmentEndMu + 1e-9 ? 'over' : 'at');

/** The room's abstract key: every discrete variable, and the motion window's age bucketed (debounce 100 ms, dwell 1000 ms). */
export function roomKey(r: AbstractRoom, nowMs: number): string {
  const flags = TOGGLES.map((t) => bit(r[t])).join('');
  const motion = r.motion ? `${bit(r.motion.inWindow)}${bit(r.motion.stale)}${bucket(nowMs - r.motion.sinceMs, [100, 1000])}` : '';
  return `${flags} ${r.linac} b${r.armedBeamId} p${r.presetMu} e${r.segmentEndMu} mu${muRelation(r)} c${r.couch}${r.couchTarget.lateralMm} m${r.mlc}${r.mlcTarget?.tag ?? '-'} ${motion}`;
}

/** What fault and aborted still judge: the linac state, the latching faults, link freshness and couch motion. */
export function faultRoomKey(r: AbstractRoom): string {
  const latching = [r.estop, r.staleBeam, r.staleCouch, r.staleMlc, r.channelsDisagree, r.presetMismatch, r.couchFault, r.mlcFault, r.couch === 'moving', r.mu1 > r.segmentEndMu + 1e-9].map(bit).join('');
  return `${r.linac} ${latching}`;
}
