/**
 * Population setup-error statistics and the CTV-to-PTV margin recipe of
 * van Herk et al. (IJROBP 47:1121, 2000): per patient the mean m_p and the
 * SD s_p of that patient's errors; systematic error Σ = SD over patients of
 * m_p; random error σ = RMS over patients of s_p; margin = 2.5 Σ + 0.7 σ,
 * per axis. Sample SDs (n − 1) for both s_p and Σ. Patients with fewer than
 * two fractions are reported and left out, never silently averaged in.
 * A setup error is where the patient is relative to the plan (the correction's
 * negative); one sample per patient and fraction; see docs/registration.md.
 */
import { BridgeError } from '../../core/bridge-error.js';

export interface SetupError {
  readonly patient: string;
  readonly fraction: number;
  readonly lateralMm: number;
  readonly longitudinalMm: number;
  readonly verticalMm: number;
  /** Where the sample came from (`file.csv:3`, `journal.jsonl registration r1`), for naming it in errors. */
  readonly source?: string;
}

export interface MarginLimits {
  /** A setup error larger than this on any axis is refused as implausible, mm (config `margins.maxSetupErrorMm`). */
  readonly maxSetupErrorMm: number;
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

/**
 * Refuses, naming the sample: a second sample of one patient and fraction (a fraction gives one
 * pre-correction sample), a non-finite value, and a value beyond the plausibility limit.
 */
export function checkSetupErrors(errors: readonly SetupError[], limits: MarginLimits): void {
  const seen = new Map<string, SetupError>();
  for (const e of errors) {
    const where = e.source ?? `patient ${e.patient} fraction ${e.fraction}`;
    for (const axis of AXES) {
      const v = e[`${axis}Mm`];
      if (!Number.isFinite(v) || Math.abs(v) > limits.maxSetupErrorMm) {
        throw new BridgeError('LIMIT_EXCEEDED', 'implausible setup error', { field: `${where}:${axis}_mm`, actual: v, limit: `|e| <= ${limits.maxSetupErrorMm}`, unit: 'mm' });
      }
    }
    const key = JSON.stringify([e.patient, e.fraction]);
    const first = seen.get(key);
    if (first) throw new BridgeError('INPUT_INVALID', `duplicate sample: patient ${e.patient} fraction ${e.fraction} already given by ${first.source ?? 'an earlier sample'}`, { field: where, actual: `${e.patient},${e.fraction}`, limit: 'one sample per patient and fraction' });
    seen.set(key, e);
  }
}

export function computeMargins(errors: readonly SetupError[], limits: MarginLimits): MarginReport {
  checkSetupErrors(errors, limits);
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
