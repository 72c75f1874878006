/**
 * Population setup-error statistics and the CTV-to-PTV margin recipe of
 * van Herk et al. (IJROBP 47:1121, 2000): per patient the mean m_p and the
 * SD s_p of that patient's errors; systematic error Σ = SD over patients of
 * m_p; random error σ = RMS over patients of s_p; margin = 2.5 Σ + 0.7 σ,
 * per axis. Sample SDs (n − 1). Patients with fewer than two fractions are
 * reported and left out, never silently averaged in.
 */
import { BridgeError } from '../../core/bridge-error.js';

export interface SetupError {
  readonly patient: string;
  readonly fraction: number;
  readonly lateralMm: number;
  readonly longitudinalMm: number;
  readonly verticalMm: number;
}

export interface AxisStatistics {
  /** Mean of patient means (the group's overall mean error), mm. */
  readonly meanMm: number;
  readonly systematicMm: number;
  readonly randomMm: number;
  readonly marginMm: number;
}

export interface MarginReport {
  readonly patients: number;
  readonly fractions: number;
  readonly axes: { readonly lateral: AxisStatistics; readonly longitudinal: AxisStatistics; readonly vertical: AxisStatistics };
  /** Left out: fewer than two fractions. */
  readonly excluded: Array<{ readonly patient: string; readonly fractions: number }>;
}

const AXES = ['lateral', 'longitudinal', 'vertical'] as const;

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const sampleSd = (v: readonly number[]): number => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};

export function computeMargins(errors: readonly SetupError[]): MarginReport {
  const byPatient = new Map<string, SetupError[]>();
  for (const e of errors) byPatient.set(e.patient, [...(byPatient.get(e.patient) ?? []), e]);
  const excluded = [...byPatient].filter(([, f]) => f.length < 2).map(([patient, f]) => ({ patient, fractions: f.length }));
  const usable = [...byPatient.values()].filter((f) => f.length >= 2);
  if (usable.length < 2) {
    throw new BridgeError('INPUT_INVALID', 'margins need at least two patients with two or more fractions each', { field: 'patients', actual: usable.length, limit: '>= 2' });
  }
  const axis = (key: (typeof AXES)[number]): AxisStatistics => {
    const field = `${key}Mm` as const;
    const means = usable.map((f) => mean(f.map((e) => e[field])));
    const sds = usable.map((f) => sampleSd(f.map((e) => e[field])));
    const systematicMm = sampleSd(means);
    const randomMm = Math.sqrt(mean(sds.map((s) => s * s)));
    return { meanMm: mean(means), systematicMm, randomMm, marginMm: 2.5 * systematicMm + 0.7 * randomMm };
  };
  return {
    patients: usable.length,
    fractions: usable.reduce((n, f) => n + f.length, 0),
    axes: { lateral: axis('lateral'), longitudinal: axis('longitudinal'), vertical: axis('vertical') },
    excluded,
  };
}
