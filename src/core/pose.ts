/**
 * Couch pose as the couch's own axes read it (IEC 61217): translations in
 * millimetres along the axes the table translates on (a turntable's, which turn
 * with yaw; a hexapod base's), rotations in degrees (pitch about Xt, roll about
 * Yt, yaw = patient support angle). Also the shape of a registration correction.
 * See docs/coordinates.md.
 */
export interface Pose6 {
  readonly lateralMm: number;
  readonly longitudinalMm: number;
  readonly verticalMm: number;
  readonly pitchDeg: number;
  readonly rollDeg: number;
  readonly yawDeg: number;
}

export const POSE_AXES = ['lateralMm', 'longitudinalMm', 'verticalMm', 'pitchDeg', 'rollDeg', 'yawDeg'] as const;
export type PoseAxis = (typeof POSE_AXES)[number];

export const ZERO_POSE: Pose6 = Object.freeze({ lateralMm: 0, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 });

export const isRotationAxis = (axis: PoseAxis): boolean => axis.endsWith('Deg');

export function addPose(a: Pose6, b: Pose6): Pose6 {
  return {
    lateralMm: a.lateralMm + b.lateralMm,
    longitudinalMm: a.longitudinalMm + b.longitudinalMm,
    verticalMm: a.verticalMm + b.verticalMm,
    pitchDeg: a.pitchDeg + b.pitchDeg,
    rollDeg: a.rollDeg + b.rollDeg,
    yawDeg: a.yawDeg + b.yawDeg,
  };
}

/** Largest translation and rotation difference between two poses, axis by axis. */
export function poseDeviation(a: Pose6, b: Pose6): { maxMm: number; maxDeg: number; worstAxis: PoseAxis } {
  let maxMm = 0;
  let maxDeg = 0;
  let worstAxis: PoseAxis = 'lateralMm';
  let worstRatio = -1;
  for (const axis of POSE_AXES) {
    const d = Math.abs(a[axis] - b[axis]);
    if (isRotationAxis(axis)) maxDeg = Math.max(maxDeg, d);
    else maxMm = Math.max(maxMm, d);
    const ratio = isRotationAxis(axis) ? d / 0.2 : d / 0.5;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worstAxis = axis;
    }
  }
  return { maxMm, maxDeg, worstAxis };
}

export function isFinitePose(p: Pose6): boolean {
  return POSE_AXES.every((axis) => Number.isFinite(p[axis]));
}
