/**
 * RtPlan → the delivery plan (plan.ts: step-and-shoot apertures on a bixel
 * grid, the form the session, the simulators and the fraction record use).
 * STATIC beams become step-and-shoot segments; DYNAMIC beams their leaf
 * trajectory (dynamic-beam.ts). An ARC (no gantry axis in the simulators)
 * refuses the whole plan, naming the beam, before anything moves.
 *
 * Each beam gets its own grid that holds every open leaf edge exactly (to
 * 0.01 mm): origin = the leftmost open edge, bixel width = the greatest common
 * step of all open edges (divided until ≤ 50 mm), at most 400 columns. A leaf
 * pair is open in a segment when its gap is at least the MLC's minimum gap and
 * it lies inside the jaws that bound the leaf ends; closed pairs are parked by
 * the bridge as for JSON plans (aperture-leaves.ts). A beam without an MLC is
 * delivered with the leaves at its X jaws inside its Y jaws (the jaws are not
 * driven by the simulators). The result passes through validatePlan like any
 * JSON plan.
 */
import type { DeliveryLimits } from '../../config/bridge-config.js';
import { leafBoundariesMm, type MlcModel } from '../../config/mlc-model.js';
import { BridgeError } from '../../core/bridge-error.js';
import { staticSegments, type BeamSegment } from './beam-segments.js';
import { dynamicDeliveryBeam } from './dynamic-beam.js';
import type { BixelGrid, Plan, PlanBeam } from './plan.js';
import type { RtBeam, RtPlan } from './rt-plan.js';
import { validatePlan } from './validate-plan.js';

export interface DeliveryOptions {
  readonly mlc: MlcModel;
  readonly protocol: string;
  readonly protocols: readonly string[];
  readonly delivery: DeliveryLimits;
  readonly fraction: number;
  /** Dose rate of a beam whose plan gives none, MU/min (the energy's maximum). */
  readonly doseRateFor: (beam: RtBeam) => number;
}

const QUANTUM = 100; // edges in 0.01 mm
const MAX_COLS = 400;
type Interval = readonly [number, number] | null;

export function toDeliveryPlan(rt: RtPlan, o: DeliveryOptions): Plan {
  rt.beams.forEach((b, i) => {
    if (b.technique === 'ARC') throw new BridgeError('PLAN_INVALID', `beam ${b.number} (${b.name}) is an arc: the gantry does not rotate in the simulators, so arcs are not delivered`, { field: `plan.beams.${i}.controlPoints.gantryRotation`, actual: 'ARC', limit: 'STATIC' });
  });
  const beams = rt.beams.map((b, i) => deliveryBeam(b, i, o));
  const geometry = rt.frameOfReferenceUid && rt.isocenterLpsMm ? { frameOfReferenceUid: rt.frameOfReferenceUid, isocenterLpsMm: rt.isocenterLpsMm } : {};
  const raw = {
    patientId: rt.patientId,
    patientName: rt.patientName || rt.patientId,
    planId: rt.planLabel,
    fraction: o.fraction,
    protocol: o.protocol,
    mlcModel: o.mlc.id,
    beams,
    ...geometry,
    ...(rt.patientPosition ? { patientPosition: rt.patientPosition } : {}),
  };
  return validatePlan(raw, o.mlc, o.protocols, o.delivery);
}

function deliveryBeam(b: RtBeam, i: number, o: DeliveryOptions): PlanBeam {
  if (b.mlc && b.mlc.model !== o.mlc.id) throw new BridgeError('PLAN_INVALID', `beam ${b.number} (${b.name}) is for MLC ${b.mlc.model}, this machine has ${o.mlc.id}`, { field: `plan.beams.${i}.mlc.model`, actual: b.mlc.model, limit: o.mlc.id });
  if (b.technique === 'DYNAMIC') return dynamicDeliveryBeam(b, i, o.mlc, b.controlPoints[0].doseRateMuPerMin ?? o.doseRateFor(b));
  const segments = staticSegments(b);
  const openings = segments.map((s) => openRows(s, o.mlc));
  const edges = openings.flat().flatMap((iv) => (iv ? [iv[0], iv[1]] : []));
  if (edges.length === 0) throw new BridgeError('PLAN_INVALID', `beam ${b.number} (${b.name}) has no open leaf pair`, { field: `plan.beams.${i}.controlPoints` });
  const origin = Math.min(...edges);
  let step = edges.reduce((g, e) => gcd(g, e - origin), 0);
  if (step === 0) step = QUANTUM; // every open edge at one place cannot happen (gap >= min gap); keeps the grid defined
  step /= Math.ceil(step / (50 * QUANTUM));
  const cols = Math.round((Math.max(...edges) - origin) / step);
  if (cols > MAX_COLS) throw new BridgeError('PLAN_INVALID', `beam ${b.number} (${b.name}): leaf positions need a bixel grid of ${cols} columns of ${step / QUANTUM} mm`, { field: `plan.beams.${i}.controlPoints.leaves`, actual: cols, limit: `<= ${MAX_COLS} columns` });
  const grid: BixelGrid = { bixelWidthMm: step / QUANTUM, originMm: origin / QUANTUM, firstLeafPair: 0, rows: o.mlc.leafPairs, cols };
  const apertures = segments.map((s, k) => ({
    mu: s.mu,
    rows: openings[k].map((iv): Interval => (iv ? [Math.round((iv[0] - origin) / step), Math.round((iv[1] - origin) / step) - 1] : null)),
  }));
  const fluence = Array.from({ length: grid.rows }, (_, r) => Array.from({ length: cols }, (_, c) => apertures.reduce((sum, a) => { const iv = a.rows[r]; return iv && c >= iv[0] && c <= iv[1] ? sum + a.mu : sum; }, 0)));
  const rate = b.controlPoints[0].doseRateMuPerMin ?? o.doseRateFor(b);
  return { id: b.number, name: b.name || `Beam ${b.number}`, gantryDeg: b.controlPoints[0].gantryDeg, doseRateMuPerMin: Math.round(rate), grid, segments: apertures, fluence };
}

/** Open [bank B, bank A] edges per leaf pair in 0.01 mm, or null for a closed or shielded pair. */
function openRows(s: BeamSegment, mlc: MlcModel): Interval[] {
  const bounds = leafBoundariesMm(mlc);
  const y = s.jaws.yMm;
  const x = s.jaws.xMm;
  return bounds.slice(0, -1).map((lo, p): Interval => {
    const hi = bounds[p + 1];
    if (y && (hi <= y[0] || lo >= y[1])) return null;
    const b = s.leaves ? s.leaves.bankBMm[p] : x?.[0];
    const a = s.leaves ? s.leaves.bankAMm[p] : x?.[1];
    if (a === undefined || b === undefined || a - b < mlc.minGapMm) return null;
    return [Math.round(b * QUANTUM), Math.round(a * QUANTUM)];
  });
}

const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));
