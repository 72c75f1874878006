/**
 * DICOM Patient Position (PS3.3 C.7.3.1.1.2) and the map from DICOM patient
 * coordinates (LPS: +x patient left, +y posterior, +z head) to the IEC 61217
 * table-top axes (X_t lateral, Y_t toward the gantry, Z_t up) for a couch at 0°.
 *
 * "Head first" puts the head toward the front of the equipment (the gantry:
 * +Y_t); supine faces up (anterior = +Z_t), prone down; decubitus right/left
 * lies on the right/left side. The third axis follows from LPS being
 * right-handed: L = P × S. Derivation and the PS3.17 FFF.1.2.2 cross-check
 * are in docs/registration.md.
 */
import type { Mat3, Vec3 } from '../couch/rotation.js';

export const PATIENT_POSITIONS = ['HFS', 'FFS', 'HFP', 'FFP', 'HFDL', 'HFDR', 'FFDL', 'FFDR'] as const;
export type PatientPosition = (typeof PATIENT_POSITIONS)[number];

export const isPatientPosition = (v: unknown): v is PatientPosition => typeof v === 'string' && (PATIENT_POSITIONS as readonly string[]).includes(v);

const X: Vec3 = [1, 0, 0];
const Y: Vec3 = [0, 1, 0];
const Z: Vec3 = [0, 0, 1];
const neg = (v: Vec3): Vec3 => [-v[0], -v[1], -v[2]];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** IEC directions of the patient's superior axis and of one more patient axis, by position. */
function axes(p: PatientPosition): { left: Vec3; posterior: Vec3; superior: Vec3 } {
  const superior = p.startsWith('HF') ? Y : neg(Y);
  const lying = p.slice(2);
  if (lying === 'S' || lying === 'P') {
    const posterior = lying === 'S' ? neg(Z) : Z; // supine: face up, back down
    return { left: cross(posterior, superior), posterior, superior };
  }
  const left = lying === 'DL' ? neg(Z) : Z; // decubitus left: left side down
  return { left, posterior: cross(superior, left), superior };
}

/**
 * C with v_iec = C · v_lps: its columns are the IEC directions of +x (left),
 * +y (posterior), +z (superior). A rotation maps as R_iec = C · R_lps · Cᵀ.
 */
export function lpsToIec(p: PatientPosition): Mat3 {
  const { left: l, posterior: q, superior: s } = axes(p);
  return [[l[0], q[0], s[0]], [l[1], q[1], s[1]], [l[2], q[2], s[2]]];
}
