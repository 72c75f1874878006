/** What a QA-mode session shows about interlocks, and putting the room back after a trial. */
import type { BridgeSession } from '../../bridge/bridge-session.js';
import type { InterlockId } from '../../interlock/interlock-catalogue.js';
import { qaPermitFor } from '../../interlock/qa-permit.js';
import { BeamState } from '../../protocol/beam-protocol.js';
import type { QaCheckOptions } from '../qa-rig.js';
import { waitFor } from '../wait.js';

/** The interlocks the session has recorded: the causes of its hold or last denial, and its latched faults. */
export function sessionIds(s: BridgeSession): InterlockId[] {
  const c = s.snapshot.context;
  return [...new Set([...c.holdCauses, ...c.latchedFaults])];
}

/** What the QA permit would name now, from the session's latest evidence, besides what it has recorded. */
export function liveIds(s: BridgeSession): InterlockId[] {
  return [...new Set([...qaPermitFor(s.snapshot.context, { type: 'TICK', atMs: performance.now() }).causes, ...sessionIds(s)])];
}

/**
 * Ends a trial: ABORT (terminate the beam, stop MLC and couch), wait for the beam to be off
 * and every link fresh, stop the session, and clear a couch fault the trial left (a couch whose
 * link went silent trips its own watchdog).
 */
export async function restoreRoom(o: QaCheckOptions, s: BridgeSession): Promise<void> {
  const d = o.rig.drivers;
  s.send({ type: 'ABORT', operator: o.operator });
  await waitFor(() => !o.rig.room.beamOnMeasured(), 3_000);
  await waitFor(() => d.mlc.isFresh() && d.beam.isFresh() && d.couch.isFresh() && d.couch.latest?.status.moving === false, 5_000);
  s.stop({ reason: 'qa interlock trial done' });
  await clearLinacCounts(o);
  await clearCouchFault(o);
}

/**
 * A linac keeps reporting the counts of its last beam (after a dose-channel fault, two that
 * disagree) until a beam is selected again: arm a throw-away selection and reset, so the next
 * trial's session starts from zero counts instead of latching on the last trial's.
 */
async function clearLinacCounts(o: QaCheckOptions): Promise<void> {
  const beam = o.rig.drivers.beam;
  try {
    const st = await beam.status();
    if (st.mu1 === 0 && st.mu2 === 0 && st.state === BeamState.Idle) return;
    if (st.state !== BeamState.Idle) await beam.reset();
    await beam.arm({ beamId: 0, presetMu: 1, doseRateMuPerMin: 100 });
    await beam.reset();
  } catch {
    // a linac that refuses is left as it is: the next trial's session judges what it reports
  }
}

/** A couch left in fault by an earlier trial (its watchdog trips a while after its link goes silent) is reset. */
export async function clearCouchFault(o: QaCheckOptions): Promise<void> {
  const couch = o.rig.drivers.couch;
  await waitFor(() => couch.isFresh(), 3_000);
  if (!couch.latest?.status.fault) return;
  await couch.resetFault();
  await waitFor(() => couch.latest?.status.fault === false, 2_000);
}
