/**
 * Rigid transforms x' = R·x + t (mm), read from a DICOM Frame of Reference
 * Transformation Matrix (PS3.3 C.20.2.1.1: 4×4, row-major, acting on column
 * vectors of homogeneous coordinates).
 */
import { matMul, matVec, type Mat3, type Vec3 } from '../couch/rotation.js';

export interface Rigid {
  readonly r: Mat3;
  readonly t: Vec3;
}

export const IDENTITY: Rigid = { r: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], t: [0, 0, 0] };

const transpose = (a: Mat3): Mat3 => [[a[0][0], a[1][0], a[2][0]], [a[0][1], a[1][1], a[2][1]], [a[0][2], a[1][2], a[2][2]]];

/** Rotation orthonormal within 1e-4 with determinant +1, last row 0 0 0 1. */
export function isRigidMatrix(m: readonly number[]): boolean {
  const r: Mat3 = [[m[0], m[1], m[2]], [m[4], m[5], m[6]], [m[8], m[9], m[10]]];
  const rrt = matMul(r, transpose(r));
  const orthonormal = rrt.every((row, i) => row.every((v, j) => Math.abs(v - (i === j ? 1 : 0)) < 1e-4));
  const det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
  return orthonormal && det > 0 && Math.abs(m[12]) + Math.abs(m[13]) + Math.abs(m[14]) < 1e-9 && Math.abs(m[15] - 1) < 1e-9;
}

export function fromRowMajor(m: readonly number[]): Rigid {
  return { r: [[m[0], m[1], m[2]], [m[4], m[5], m[6]], [m[8], m[9], m[10]]], t: [m[3], m[7], m[11]] };
}

export function isIdentity(a: Rigid, tolMm = 1e-6): boolean {
  return a.r.every((row, i) => row.every((v, j) => Math.abs(v - (i === j ? 1 : 0)) < 1e-9)) && a.t.every((v) => Math.abs(v) < tolMm);
}

export const applyRigid = (a: Rigid, x: Vec3): Vec3 => {
  const v = matVec(a.r, x);
  return [v[0] + a.t[0], v[1] + a.t[1], v[2] + a.t[2]];
};

/** a ∘ b: first b, then a. */
export function compose(a: Rigid, b: Rigid): Rigid {
  return { r: matMul(a.r, b.r), t: applyRigid(a, b.t) };
}

export function invert(a: Rigid): Rigid {
  const rt = transpose(a.r);
  const v = matVec(rt, a.t);
  return { r: rt, t: [-v[0], -v[1], -v[2]] };
}

/** The same rigid motion in other axes: v' = C·v, so R' = C·R·Cᵀ, t' = C·t. */
export function changeAxes(a: Rigid, c: Mat3): Rigid {
  return { r: matMul(matMul(c, a.r), transpose(c)), t: matVec(c, a.t) };
}
