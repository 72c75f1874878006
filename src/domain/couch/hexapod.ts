/**
 * Hexapod (Stewart platform) inverse kinematics: leg i joins base joint b_i to
 * platform joint p_i; for a platform pose (translation t, rotation R) its
 * length is l_i = ‖t + h + R·p_i − b_i‖, h the platform's home height.
 * A pose that needs any leg outside its stroke is rejected, never clamped.
 */
import { BridgeError } from '../../core/bridge-error.js';
import { fromAngles, matVec, type Vec3 } from './rotation.js';

export interface HexapodGeometry {
  /** Base joints, mm, base frame (z = 0). */
  readonly baseJointsMm: readonly Vec3[];
  /** Platform joints, mm, platform frame (z = 0). */
  readonly platformJointsMm: readonly Vec3[];
  /** Platform centre above the base centre at home, mm. */
  readonly homeHeightMm: number;
  readonly strokeMm: { readonly min: number; readonly max: number };
}

export interface HexapodPose {
  readonly translationMm: Vec3;
  readonly pitchDeg: number;
  readonly rollDeg: number;
  readonly yawDeg: number;
}

export function legLengthsMm(g: HexapodGeometry, pose: HexapodPose): number[] {
  const r = fromAngles(pose.pitchDeg, pose.rollDeg, pose.yawDeg);
  return g.platformJointsMm.map((p, i) => {
    const q = matVec(r, p);
    const b = g.baseJointsMm[i];
    const d = [pose.translationMm[0] + q[0] - b[0], pose.translationMm[1] + q[1] - b[1], pose.translationMm[2] + g.homeHeightMm + q[2] - b[2]];
    return Math.hypot(d[0], d[1], d[2]);
  });
}

/** Leg lengths, or LIMIT_EXCEEDED naming the first leg outside its stroke. */
export function checkLegs(g: HexapodGeometry, pose: HexapodPose): number[] {
  const legs = legLengthsMm(g, pose);
  legs.forEach((l, i) => {
    if (!(l >= g.strokeMm.min && l <= g.strokeMm.max)) {
      throw new BridgeError('LIMIT_EXCEEDED', `hexapod leg ${i + 1} outside its stroke`, { field: `couch.leg${i + 1}LengthMm`, actual: Number(l.toFixed(3)), limit: `${g.strokeMm.min}..${g.strokeMm.max}`, unit: 'mm' });
    }
  });
  return legs;
}

/**
 * A symmetric 6-6 hexapod: joints in pairs around circles, base pairs centred
 * on 0°/120°/240°, platform pairs on 60°/180°/300°, each pair split by ±halfSpreadDeg.
 */
export function symmetricJoints(radiusMm: number, centreDeg: readonly number[], halfSpreadDeg: number): Vec3[] {
  const out: Vec3[] = [];
  for (const c of centreDeg) {
    for (const s of [-halfSpreadDeg, halfSpreadDeg]) {
      const a = ((c + s) * Math.PI) / 180;
      out.push([radiusMm * Math.cos(a), radiusMm * Math.sin(a), 0]);
    }
  }
  return out;
}
