/**
 * Control Point Delivery Sequence (3008,0040) items of one beam (PS3.3
 * C.8.8.21, RT Beams Session Record): two per delivered step-and-shoot segment,
 * the control point that opens it and the one that closes it
 * (beam-segments.ts `staticSegments`). Meterset values are cumulative primary
 * MU from the start of the beam: Specified Meterset from the plan's weights,
 * Delivered Meterset from the linac's readback. A segment cut short closes on
 * its planned closing control point with the MU actually delivered (Delivered
 * < Specified), at the time and readback of the stop.
 *
 * Sources per item: leaves = MLC readback (bank B then bank A, IEC leaf order
 * 1..N then 2..N); table top and patient support angle = couch readback;
 * jaws, gantry and collimator angles = the plan (the simulators have no jaws
 * and no gantry or collimator axis). A segment an earlier, interrupted run
 * delivered has no readback in this run: its leaves come from the plan. A
 * sample taken while the MLC link was stale has no leaves: the item then
 * carries the jaws only (and the couch only when its link was fresh).
 */
import type { Pose6 } from '../../core/pose.js';
import { staticSegments } from '../plan/beam-segments.js';
import type { ControlPoint, LeafPositions, RtBeam } from '../plan/rt-plan.js';
import { dicomDateTime } from './dicom-datetime.js';
import type { DeliveredBeam, ReadbackSample } from './record-input.js';

type Item = Record<string, unknown>;

const r3 = (v: number): number => Math.round(v * 1000) / 1000;
const angle = (deg: number): number => r3(((deg % 360) + 360) % 360) % 360;

/** Beam Limiting Device Position Sequence (300A,011A) items: jaws from the plan, leaves as given. */
export function devicePositions(cp: ControlPoint, leaves: LeafPositions | undefined): Item[] {
  const out: Item[] = [];
  if (cp.jaws.xMm) out.push({ RTBeamLimitingDeviceType: 'ASYMX', LeafJawPositions: cp.jaws.xMm.map(r3) });
  if (cp.jaws.yMm) out.push({ RTBeamLimitingDeviceType: 'ASYMY', LeafJawPositions: cp.jaws.yMm.map(r3) });
  if (leaves) out.push({ RTBeamLimitingDeviceType: 'MLCX', LeafJawPositions: [...leaves.bankBMm, ...leaves.bankAMm].map(r3) });
  return out;
}

function couchAttributes(p: Pose6 | undefined): Item {
  if (!p) return {};
  return {
    PatientSupportAngle: angle(p.yawDeg), PatientSupportRotationDirection: 'NONE',
    TableTopVerticalPosition: r3(p.verticalMm), TableTopLongitudinalPosition: r3(p.longitudinalMm), TableTopLateralPosition: r3(p.lateralMm),
    TableTopPitchAngle: r3(p.pitchDeg), TableTopPitchRotationDirection: 'NONE', TableTopRollAngle: r3(p.rollDeg), TableTopRollRotationDirection: 'NONE',
  };
}

function item(beam: RtBeam, k: number, specifiedMu: number, deliveredMu: number, at: ReadbackSample | undefined, fallbackIso: string): Item {
  const cp = beam.controlPoints[k];
  const when = dicomDateTime(at?.atIso ?? fallbackIso, `beam ${beam.number} control point ${k}`);
  return {
    ReferencedControlPointIndex: k,
    TreatmentControlPointDate: when.date,
    TreatmentControlPointTime: when.time,
    SpecifiedMeterset: r3(specifiedMu),
    DeliveredMeterset: r3(deliveredMu),
    // type 2: the planned rate; no measured dose rate is kept (empty, docs/treatment-record.md)
    DoseRateSet: cp.doseRateMuPerMin ?? '',
    DoseRateDelivered: '',
    GantryAngle: angle(cp.gantryDeg), GantryRotationDirection: 'NONE',
    BeamLimitingDeviceAngle: angle(cp.collimatorDeg), BeamLimitingDeviceRotationDirection: 'NONE',
    BeamLimitingDevicePositionSequence: devicePositions(cp, at ? at.leaves : cp.leaves),
    ...(at?.couch ? couchAttributes(at.couch) : { PatientSupportAngle: angle(cp.couchDeg), PatientSupportRotationDirection: 'NONE' }),
  };
}

/**
 * The delivered control points of a beam, in delivery order. `fallbackIso`
 * stamps items with no readback (segments of an earlier run).
 */
export function controlPointDeliveries(beam: RtBeam, delivered: DeliveredBeam, fallbackIso: string): Item[] {
  return beam.technique === 'STATIC' ? staticDeliveries(beam, delivered, fallbackIso) : openAndLast(beam, delivered, fallbackIso);
}

/**
 * A DYNAMIC or ARC beam (not delivered by this branch's simulators; kept so a
 * record is never refused): the opening control point and the one the beam
 * was heading to when it ended (the first whose cumulative meterset reaches
 * what was delivered), with the first and last readback samples. Per-control-point
 * readback for dynamic beams is left to dynamic delivery (docs/treatment-record.md).
 */
function openAndLast(beam: RtBeam, delivered: DeliveredBeam, fallbackIso: string): Item[] {
  const segs = [...delivered.segments].sort((a, b) => a.index - b.index);
  const total = segs.reduce((s, x) => s + x.mu1, 0);
  const cps = beam.controlPoints;
  const found = cps.findIndex((c) => c.cumulativeWeight * beam.metersetMu >= total - 0.001);
  const k = found < 0 ? cps.length - 1 : Math.max(1, found);
  return [
    item(beam, 0, 0, 0, segs[0]?.start, fallbackIso),
    item(beam, k, cps[k].cumulativeWeight * beam.metersetMu, total, segs[segs.length - 1]?.end ?? segs[segs.length - 1]?.start, fallbackIso),
  ];
}

function staticDeliveries(beam: RtBeam, delivered: DeliveredBeam, fallbackIso: string): Item[] {
  const segments = staticSegments(beam);
  const items: Item[] = [];
  let cumulative = 0;
  for (const d of [...delivered.segments].sort((a, b) => a.index - b.index)) {
    const s = segments[d.index];
    if (!s) continue;
    const from = beam.controlPoints[s.fromControlPoint].cumulativeWeight * beam.metersetMu;
    const to = beam.controlPoints[s.toControlPoint].cumulativeWeight * beam.metersetMu;
    items.push(item(beam, s.fromControlPoint, from, cumulative, d.start, fallbackIso));
    cumulative += d.mu1;
    items.push(item(beam, s.toControlPoint, to, cumulative, d.end ?? d.start, fallbackIso));
  }
  return items;
}
