/**
 * The MLC checks as registry entries (src/qa/checks/index.ts): each runs on the rig's MLC driver
 * with the beam of a QA-mode session (`QaModeBeam`: every safety interlock applies), the MLC model
 * from config, its rows from the tolerance table, and the rig's time scale.
 *
 * Rows (config/qa/tg142-mppg.json): leaf position `mlc.positionWeeklyMm` (MPPG 8.b, 0.5 mm) in a
 * weekly run or a run of the check alone, `mlc.positionMonthlyMm` (TG-142, 1 mm) in a monthly run;
 * speed `mlc.speedLossMmPerS`; sliding window `mlc.slidingWindowRmsMm` per leaf and
 * `mlc.slidingWindowGammaPercent` for the log's fluence gamma.
 */
import path from 'node:path';
import { writeTrajectoryLogFile } from '../../bridge/machine-log-files.js';
import { systemClock } from '../../core/clock.js';
import type { TrajectoryLog } from '../../protocol/logs/trajectory-log.js';
import type { QaCheckOptions } from '../qa-rig.js';
import type { QaCheckResult } from '../qa-types.js';
import { toleranceFor } from '../tolerance-table.js';
import { mlcLeafPositionCheck } from './mlc-leaf-position.js';
import { mlcLeafSpeedCheck } from './mlc-leaf-speed.js';
import type { MlcCheckRoom } from './mlc-qa-links.js';
import { mlcSlidingWindowCheck } from './mlc-sliding-window.js';
import { QaModeBeam } from './qa-mode-beam.js';

/**
 * The most physics time scale the motion-sampling checks run at: the speed fit and the sliding-window
 * samples take one readback per link round trip (a few ms), so device time must be close to wall time.
 * The picket fence only images leaves standing still, so it runs at the rig's scale.
 */
export const MLC_SAMPLING_TIME_SCALE = 1;

async function inQaMode(o: QaCheckOptions, body: (room: MlcCheckRoom) => Promise<QaCheckResult>): Promise<QaCheckResult> {
  const beam = await QaModeBeam.open(o);
  try {
    return await body({ mlc: o.rig.drivers.mlc, beam, model: o.rig.config.mlc, clock: systemClock, onProgress: o.progress });
  } finally {
    await beam.close();
  }
}

export function runMlcLeafPosition(o: QaCheckOptions): Promise<QaCheckResult> {
  const row = toleranceFor(o.tolerances, o.frequency === 'monthly' ? 'mlc.positionMonthlyMm' : 'mlc.positionWeeklyMm');
  return inQaMode(o, (room) => mlcLeafPositionCheck(room, o.rig.epid, row));
}

export function runMlcLeafSpeed(o: QaCheckOptions): Promise<QaCheckResult> {
  const row = toleranceFor(o.tolerances, 'mlc.speedLossMmPerS');
  return o.rig.withTimeScale(MLC_SAMPLING_TIME_SCALE, () => inQaMode(o, (room) => mlcLeafSpeedCheck(room, row, { timeScale: o.rig.timeScale })));
}

/** The sliding-window delivery log beside the report: `log analyze <dir>/mlc-sliding-window.bin` reads it. */
export const SLIDING_WINDOW_LOG_FILE = 'mlc-sliding-window.bin';

export async function runMlcSlidingWindow(o: QaCheckOptions): Promise<QaCheckResult> {
  const rms = toleranceFor(o.tolerances, 'mlc.slidingWindowRmsMm');
  const gamma = toleranceFor(o.tolerances, 'mlc.slidingWindowGammaPercent');
  let written: string | undefined;
  const onLog = (log: TrajectoryLog) => {
    if (o.outputDir) written = writeTrajectoryLogFile(path.join(o.outputDir, SLIDING_WINDOW_LOG_FILE), log, { check: 'mlc-sliding-window', operator: o.operator, snapshots: log.snapshots }).bin;
  };
  const r = await o.rig.withTimeScale(MLC_SAMPLING_TIME_SCALE, () => inQaMode(o, (room) => mlcSlidingWindowCheck(room, rms, gamma, { onLog })));
  return written ? { ...r, notes: [...(r.notes ?? []), `delivery log written to ${written} (trajectory-log layout; \`log analyze\` reads it)`] } : r;
}
