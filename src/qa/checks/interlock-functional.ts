/**
 * Interlock functional checks (TG-142 daily "door interlock", "functional"): each interlock is
 * triggered in the room and shown, through a bridge session in QA mode on the real drivers,
 *  1. to veto beam-on: with the condition present, BEAM_ON leaves the beam off (an independent
 *     monitor sees no radiation) and the session names the interlock;
 *  2. to hold a running beam: triggered while a QA beam runs, the beam goes off and the
 *     session is held (or faulted, for latched interlocks) naming the interlock.
 * Dose-channel disagreement can only arise while MU accrue, so its veto is shown after the
 * hold: a restart with the channels still disagreeing is refused.
 *
 * Item per interlock id: measured = functions shown (0..2), expected 2.
 */
import { stateName, type BridgeSession } from '../../bridge/bridge-session.js';
import type { InterlockId } from '../../interlock/interlock-catalogue.js';
import { qaPermitFor } from '../../interlock/qa-permit.js';
import { statusOf, worstStatus, type QaCheckResult, type QaItem } from '../qa-types.js';
import type { QaCheckOptions, QaRoomActions } from '../qa-rig.js';
import { toleranceFor } from '../tolerance-table.js';
import { sleep, waitFor } from '../wait.js';
import { clearCouchFault, liveIds, restoreRoom, sessionIds } from './interlock-session.js';

export interface InterlockTrial {
  readonly id: InterlockId;
  /** Ids that show this interlock acting (a pendant-moved couch may also be caught as unexpected motion). */
  readonly accepts: readonly InterlockId[];
  readonly trigger: (room: QaRoomActions, on: boolean) => void;
  readonly vetoAfterHold?: boolean;
}

export const INTERLOCK_TRIALS: readonly InterlockTrial[] = [
  { id: 'IL-DOOR-OPEN', accepts: ['IL-DOOR-OPEN'], trigger: (r, on) => r.setDoorOpen(on) },
  { id: 'IL-EMERGENCY-STOP', accepts: ['IL-EMERGENCY-STOP'], trigger: (r, on) => r.setEmergencyStop(on) },
  { id: 'IL-MLC-STALE', accepts: ['IL-MLC-STALE'], trigger: (r, on) => r.silenceLink('mlc', on) },
  { id: 'IL-COUCH-STALE', accepts: ['IL-COUCH-STALE'], trigger: (r, on) => r.silenceLink('couch', on) },
  { id: 'IL-BEAM-STALE', accepts: ['IL-BEAM-STALE'], trigger: (r, on) => r.silenceLink('beam', on) },
  { id: 'IL-DOSE-CHANNELS-DISAGREE', accepts: ['IL-DOSE-CHANNELS-DISAGREE'], trigger: (r, on) => r.setPrimaryChannelStuck(on), vetoAfterHold: true },
  { id: 'IL-COUCH-MOVING', accepts: ['IL-COUCH-MOVING', 'IL-COUCH-MOTION'], trigger: (r, on) => r.setPendantJog(on) },
];

/** How long an attempt must leave the beam off to count as vetoed, and the longest a hold may take, ms (wall). */
const VETO_WATCH_MS = 300;
const HOLD_LIMIT_MS = 3_000;

interface Trial {
  readonly s: BridgeSession;
  readonly o: QaCheckOptions;
  readonly t: InterlockTrial;
}

/** The session has recorded the interlock (a denial's or hold's cause, or a latched fault). */
const acts = (x: Trial): boolean => sessionIds(x.s).some((id) => x.t.accepts.includes(id));
/** The session's evidence shows the condition (before anything is attempted). */
const seen = (x: Trial): boolean => liveIds(x.s).some((id) => x.t.accepts.includes(id));
const stateOf = (s: BridgeSession): string => stateName(s.snapshot.value);

async function qaReady(o: QaCheckOptions, beamId: number): Promise<BridgeSession | undefined> {
  await clearCouchFault(o);
  const s = o.rig.openSession();
  s.send({ type: 'ENTER_QA', operator: o.operator, role: 'physicist' });
  const doseRateMuPerMin = 100;
  // about 20 s of wall time: long enough that the beam is still on when the trigger comes
  const presetMu = Math.min(999, Math.ceil((doseRateMuPerMin / 60) * 20 * o.rig.timeScale));
  s.send({ type: 'QA_SELECT_BEAM', operator: o.operator, beam: { beamId, presetMu, doseRateMuPerMin } });
  const ok = await waitFor(() => stateOf(s) === 'qa.ready' && qaPermitFor(s.snapshot.context, { type: 'TICK', atMs: performance.now() }).permitted, 3_000);
  return ok ? s : (s.stop({ reason: 'qa interlock check: not ready' }), undefined);
}

/** With the condition present, beam-on (or a restart) leaves the beam off and names the interlock. */
async function vetoes(x: Trial, attempt: () => void): Promise<boolean> {
  attempt();
  let sawBeam = false;
  const end = performance.now() + VETO_WATCH_MS;
  while (performance.now() < end) {
    sawBeam ||= x.o.rig.room.beamOnMeasured() || stateOf(x.s) === 'qa.beamOn';
    await sleep(5);
  }
  return !sawBeam && acts(x);
}

async function vetoPhase(o: QaCheckOptions, t: InterlockTrial, beamId: number): Promise<boolean> {
  const s = await qaReady(o, beamId);
  if (!s) return false;
  const x = { s, o, t };
  try {
    t.trigger(o.rig.room, true);
    if (!(await waitFor(() => seen(x), HOLD_LIMIT_MS))) return false;
    return await vetoes(x, () => s.send({ type: 'BEAM_ON', operator: o.operator }));
  } finally {
    t.trigger(o.rig.room, false);
    await restoreRoom(o, s);
  }
}

async function holdPhase(o: QaCheckOptions, t: InterlockTrial, beamId: number): Promise<{ held: boolean; holdMs?: number; vetoed?: boolean; causes: string }> {
  const s = await qaReady(o, beamId);
  if (!s) return { held: false, causes: 'QA beam not ready' };
  const x = { s, o, t };
  try {
    s.send({ type: 'BEAM_ON', operator: o.operator });
    if (!(await waitFor(() => o.rig.room.beamOnMeasured() && stateOf(s) === 'qa.beamOn', 3_000))) return { held: false, causes: 'QA beam did not start' };
    await sleep(50);
    const t0 = performance.now();
    t.trigger(o.rig.room, true);
    const held = await waitFor(() => !o.rig.room.beamOnMeasured() && ['qa.beamHold', 'fault'].includes(stateOf(s)) && acts(x), HOLD_LIMIT_MS);
    const holdMs = held ? Math.round(performance.now() - t0) : undefined;
    const vetoed = t.vetoAfterHold ? await vetoes(x, () => s.send({ type: stateOf(s) === 'fault' ? 'BEAM_ON' : 'RESUME', operator: o.operator })) : undefined;
    return { held, holdMs, vetoed, causes: sessionIds(s).join(' ') };
  } finally {
    t.trigger(o.rig.room, false);
    await restoreRoom(o, s);
  }
}

export async function runInterlockFunctional(o: QaCheckOptions, trials: readonly InterlockTrial[] = INTERLOCK_TRIALS): Promise<QaCheckResult> {
  const tol = toleranceFor(o.tolerances, 'interlock.functional');
  const items: QaItem[] = [];
  for (const [i, t] of trials.entries()) {
    o.progress(i / trials.length, `interlock ${t.id}`);
    const veto = t.vetoAfterHold ? undefined : await vetoPhase(o, t, 901 + 2 * i);
    const hold = await holdPhase(o, t, 902 + 2 * i);
    const vetoed = veto ?? hold.vetoed ?? false;
    const functions = (vetoed ? 1 : 0) + (hold.held ? 1 : 0);
    items.push({
      id: t.id, measured: functions, expected: 2, error: functions - 2, unit: 'functions', status: statusOf(functions - 2, tol),
      detail: { vetoesBeamOn: vetoed, holdsRunningBeam: hold.held, ...(hold.holdMs !== undefined ? { holdWallMs: hold.holdMs } : {}), causes: hold.causes },
    });
  }
  o.progress(1, 'interlocks done');
  return { name: 'interlock-functional', status: worstStatus(items.map((i) => i.status)), tolerance: tol, items, notes: ['functions: 1 for vetoing beam-on, 1 for holding a running beam'] };
}
