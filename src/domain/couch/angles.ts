/**
 * Angle conventions (docs/coordinates.md): angles shown on 0–360° or ±180°,
 * and every rotation between two angles carries an explicit direction.
 * CW = positive (IEC 61217 clockwise, increasing angle), CC = negative.
 * The shortest way round is never assumed: 170° → 160° CC is 10°, CW is 350°.
 */
export type RotationDirection = 'CW' | 'CC' | 'NONE';

/** Wraps to [0, 360). */
export function wrap360(deg: number): number {
  const w = ((deg % 360) + 360) % 360;
  return w === 360 ? 0 : w + 0; // + 0 turns -0 into 0
}

/** Wraps to (−180, 180]. */
export function wrap180(deg: number): number {
  const w = wrap360(deg);
  return w > 180 ? w - 360 : w;
}

/**
 * Signed travel from `fromDeg` to `toDeg` turning in `direction`: positive for
 * CW, negative for CC, in (−360, 360). NONE requires the two to be equal.
 */
export function rotationTravel(fromDeg: number, toDeg: number, direction: RotationDirection): number {
  const delta = wrap360(toDeg - fromDeg);
  if (direction === 'NONE') {
    if (delta !== 0) throw new RangeError(`rotation from ${fromDeg}° to ${toDeg}° needs a direction (CW or CC)`);
    return 0;
  }
  return direction === 'CW' ? delta : delta === 0 ? 0 : delta - 360;
}

/** The direction of a signed travel. */
export const directionOf = (travelDeg: number): RotationDirection => (travelDeg > 0 ? 'CW' : travelDeg < 0 ? 'CC' : 'NONE');
