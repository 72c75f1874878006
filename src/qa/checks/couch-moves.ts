/** Drives the couch through the bridge's couch driver and reads it back once it is in position and still. */
import { BridgeError } from '../../core/bridge-error.js';
import { POSE_AXES, type Pose6, type PoseAxis } from '../../core/pose.js';
import type { CouchSnapshot } from '../../drivers/couch-driver.js';
import type { QaCheckOptions } from '../qa-rig.js';
import { waitFor } from '../wait.js';

/**
 * Moves to `target`, waits for the couch to report in position and not moving, then averages
 * `samples` fresh readbacks. settleMs: from the moving bit clearing to in position, device time.
 */
export async function moveAndMeasure(o: QaCheckOptions, target: Pose6, moveId: number, samples: number): Promise<{ mean: Pose6; settleMs: number }> {
  const couch = o.rig.drivers.couch;
  const timeoutMs = 60_000 / Math.max(1, o.rig.timeScale) + 5_000;
  await couch.moveTo(target, moveId);
  // reads are queued behind the write on the one bus: a snapshot newer than this one was read after it
  const sent = couch.latest?.atMs ?? 0;
  const after = (s: CouchSnapshot | undefined): s is CouchSnapshot => !!s && s.atMs > sent;
  let stoppedAtMs: number | undefined;
  const inPosition = await waitFor(() => {
    const s = couch.latest;
    if (!after(s) || s.status.fault) return !!s?.status.fault;
    if (!s.status.moving && stoppedAtMs === undefined) stoppedAtMs = s.atMs;
    return !s.status.moving && s.status.inPosition;
  }, timeoutMs);
  const s = couch.latest;
  if (!inPosition || !s || s.status.fault) throw new BridgeError('DEVICE_FAULT', 'the couch did not reach the pose', { field: 'couch.status', actual: s?.status.fault ? `fault ${s.status.faultCode}` : 'not in position' });
  const settleMs = (s.atMs - (stoppedAtMs ?? s.atMs)) * o.rig.timeScale;
  const sum = Object.fromEntries(POSE_AXES.map((a) => [a, 0])) as Record<PoseAxis, number>;
  let last = s.atMs;
  for (let n = 0; n < samples; n++) {
    await waitFor(() => (couch.latest?.atMs ?? 0) > last, 1_000);
    const r = couch.latest!;
    last = r.atMs;
    for (const a of POSE_AXES) sum[a] += r.actual[a];
  }
  return { mean: Object.fromEntries(POSE_AXES.map((a) => [a, sum[a] / samples])) as unknown as Pose6, settleMs };
}

