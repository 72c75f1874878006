/**
 * Rotations in the IEC 61217 table-top frame (Xt lateral, Yt longitudinal
 * toward the gantry, Zt up; right-handed). A positive angle is clockwise when
 * seen from the origin looking along the positive axis (right-hand rule).
 * Composition: pitch (about Xt) first, then roll (about Yt), then yaw (about Zt):
 *   R = Rz(yaw) · Ry(roll) · Rx(pitch).   See docs/coordinates.md.
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
  return matMul(rotZ(yawDeg), matMul(rotY(rollDeg), rotX(pitchDeg)));
}

/** Inverse of fromAngles for |roll| < 90°. */
export function toAngles(m: Mat3): { pitchDeg: number; rollDeg: number; yawDeg: number } {
  const rollDeg = deg(Math.asin(Math.max(-1, Math.min(1, -m[2][0]))));
  return { pitchDeg: deg(Math.atan2(m[2][1], m[2][2])), rollDeg, yawDeg: deg(Math.atan2(m[1][0], m[0][0])) };
}

export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
