/**
 * A trapezoidal (or triangular) velocity profile for a normalised coordinate
 * s: 0 → 1 with peak speed v and acceleration a (per second). Synchronised
 * multi-axis moves use one s for all axes, so every axis starts and stops
 * together and the pose moves along a straight line in axis space.
 */
export interface Profile {
  readonly durationS: number;
  /** s(t) for t in seconds, clamped to [0, 1]. */
  position(tS: number): number;
}

export function trapezoid(v: number, a: number): Profile {
  if (!(v > 0 && a > 0)) return { durationS: 0, position: () => 1 };
  const tAccel = v / a;
  const sAccel = 0.5 * a * tAccel * tAccel;
  if (2 * sAccel >= 1) {
    // triangular: never reaches v
    const tHalf = Math.sqrt(1 / a);
    return {
      durationS: 2 * tHalf,
      position: (t) => (t <= 0 ? 0 : t < tHalf ? 0.5 * a * t * t : t < 2 * tHalf ? 1 - 0.5 * a * (2 * tHalf - t) ** 2 : 1),
    };
  }
  const tCruise = (1 - 2 * sAccel) / v;
  const total = 2 * tAccel + tCruise;
  return {
    durationS: total,
    position: (t) => {
      if (t <= 0) return 0;
      if (t < tAccel) return 0.5 * a * t * t;
      if (t < tAccel + tCruise) return sAccel + v * (t - tAccel);
      if (t < total) return 1 - 0.5 * a * (total - t) ** 2;
      return 1;
    },
  };
}
