/** Couch axes as a physicist names them in QA reports (IEC 61217 table-top axes; docs/coordinates.md). */
import type { PoseAxis } from '../../core/pose.js';

export const AXIS_NAME: Readonly<Record<PoseAxis, string>> = {
  lateralMm: 'lateral', longitudinalMm: 'longitudinal', verticalMm: 'vertical', pitchDeg: 'pitch', rollDeg: 'roll', yawDeg: 'yaw',
};
