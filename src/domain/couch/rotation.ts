/**
 * Rotations in the IEC 61217 table-top frame (Xt lateral, Yt longitudinal
 * toward the gantry, Zt up; right-handed). A positive angle is clockwise when
 * seen from the origin looking along the positive axis (right-hand rule).
 * Composition follows the IEC 61217 chain fixed → patient support → table top:
 * yaw (the support, about Zf) outermost, then table-top pitch about Xt, then roll
 * about the pitched Yt (moving axes):
 *   R = Rz(yaw) · Rx(pitch) · Ry(roll).   See docs/coordinates.md.
 */
export type Vec3 = readonly [number, number, number];
export type Mat3 = readonly [Vec3, Vec3, Vec3];

const rad = (deg: number): number => (deg * Math.PI) / 180;
const deg = (r: number): number => (r * 180) / Math.PI;

export function rotX(aDeg: number): Mat3 {
  const c = Math.cos(rad(aDeg));
  const s = Math.sin(rad(aDeg));
  return [[1, 0, 0], [0, c, -s], [0, s, c]];
}
export function rotY(aDeg: number): Mat3 {
  const c = Math.cos(rad(aDeg));
  const s = Math.sin(rad(aDeg));
  return [[c, 0, s], [0, 1, 0], [-s, 0, c]];
}
export function rotZ(aDeg: number): Mat3 {
  const c = Math.cos(rad(aDeg));
  const s = Math.sin(rad(aDeg));
  return [[c, -s, 0], [s, c, 0], [0, 0, 1]];
}

export function matMul(a: Mat3, b: Mat3): Mat3 {
  const r = (i: number, j: number): number => a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
  return [[r(0, 0), r(0, 1), r(0, 2)], [r(1, 0), r(1, 1), r(1, 2)], [r(2, 0), r(2, 1), r(2, 2)]];
}

export function matVec(m: Mat3, v: Vec3): Vec3 {
  return [m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2], m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2], m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2]];
}

export function fromAngles(pitchDeg: number, rollDeg: number, yawDeg: number): Mat3 {
  return matMul(rotZ(yawDeg), matMul(rotX(pitchDeg), rotY(rollDeg)));
}

/**
 * Inverse of fromAngles for |pitch| < 90°. With R = Rz(c)·Rx(a)·Ry(b):
 * R[2] = (−cos a·sin b, sin a, cos a·cos b), R[0][1] = −sin c·cos a, R[1][1] = cos c·cos a.
 */
export function toAngles(m: Mat3): { pitchDeg: number; rollDeg: number; yawDeg: number } {
  const pitchDeg = deg(Math.asin(Math.max(-1, Math.min(1, m[2][1]))));
  return { pitchDeg, rollDeg: deg(Math.atan2(-m[2][0], m[2][2])), yawDeg: deg(Math.atan2(-m[0][1], m[1][1])) };
}

export function transpose(m: Mat3): Mat3 {
  return [[m[0][0], m[1][0], m[2][0]], [m[0][1], m[1][1], m[2][1]], [m[0][2], m[1][2], m[2][2]]];
}

/** The angle of a rotation about its own axis (axis–angle magnitude), deg, 0..180. */
export function rotationAngleDeg(m: Mat3): number {
  // atan2 of sin and cos keeps small angles exact (acos alone loses them near 1)
  const s = Math.hypot(m[2][1] - m[1][2], m[0][2] - m[2][0], m[1][0] - m[0][1]) / 2;
  return deg(Math.atan2(s, (m[0][0] + m[1][1] + m[2][2] - 1) / 2));
}

export const IDENTITY3: Mat3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];

export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
