/**
 * Builds the bridge's own delivery log of one beam in the TrueBeam
 * trajectory-log layout (v4.0, IEC 61217 scale, 16 axes), from samples taken
 * at a fixed period, so existing QA tools read it. Units written as the
 * format has them: cm, degrees, MU. Leaves as distances of the tip from the
 * central axis, positive = open (bank A on X2, bank B on X1).
 */
import type { Pose6 } from '../../core/pose.js';
import { TlogAxis, TlogBeamHold, TlogScale, formatMetadata, type TlogAxisSpec, type TrajectoryLog } from '../../protocol/logs/trajectory-log.js';

/** Leaf tips as IEC X coordinates at isocentre, mm (the bridge's MLC convention: bank B negative when open). */
export interface LeafBanks {
  readonly bankAMm: readonly number[];
  readonly bankBMm: readonly number[];
}

/** Jaw distances from the central axis, positive = open, mm. */
export interface Jaws {
  readonly x1Mm: number;
  readonly x2Mm: number;
  readonly y1Mm: number;
  readonly y2Mm: number;
}

export interface DeliverySample {
  readonly expectedLeaves: LeafBanks;
  readonly actualLeaves: LeafBanks;
  readonly expectedJaws: Jaws;
  readonly actualJaws: Jaws;
  readonly expectedCouch?: Pose6;
  readonly actualCouch?: Pose6;
  readonly gantryDeg: number;
  readonly collimatorDeg: number;
  /** Cumulative MU of the beam: expected (planned at this point) and actual (readback). */
  readonly expectedMu: number;
  readonly actualMu: number;
  /** True while the beam is on and not held (beam-hold axis 0), else 2 (hold). */
  readonly beamOn: boolean;
  /** Index of the segment / control point being delivered (expected, actual). */
  readonly expectedControlPoint: number;
  readonly actualControlPoint: number;
}

export interface DeliveryLogHeader {
  readonly leafPairs: number;
  /** TrueBeam MLC model code (TlogMlcModel) of the configured MLC, or -1 when it is none of Varian's. */
  readonly mlcModel: number;
  readonly samplingIntervalMs: number;
  readonly patientId: string;
  readonly planName: string;
  readonly planUid: string;
  readonly beamName: string;
  readonly plannedMu: number;
}

const SCALAR_AXES = [TlogAxis.collimator, TlogAxis.gantry, TlogAxis.y1, TlogAxis.y2, TlogAxis.x1, TlogAxis.x2, TlogAxis.couchVrt, TlogAxis.couchLng, TlogAxis.couchLat, TlogAxis.couchRtn, TlogAxis.couchPit, TlogAxis.couchRol, TlogAxis.mu, TlogAxis.beamHold, TlogAxis.controlPoint];

export class DeliveryLogBuilder {
  private readonly rows: number[][] = [];
  readonly axes: readonly TlogAxisSpec[];

  constructor(readonly header: DeliveryLogHeader) {
    this.axes = [...SCALAR_AXES.map((id) => ({ id, samples: 1 })), { id: TlogAxis.mlc, samples: 2 * header.leafPairs + 2 }];
  }

  get count(): number {
    return this.rows.length;
  }

  add(s: DeliverySample): void {
    const cm = (mm: number): number => mm / 10;
    const couch = (p: Pose6 | undefined): number[] => (p ? [cm(p.verticalMm), cm(p.longitudinalMm), cm(p.lateralMm), p.yawDeg, p.pitchDeg, p.rollDeg] : [0, 0, 0, 0, 0, 0]);
    const ce = couch(s.expectedCouch ?? s.actualCouch);
    const ca = couch(s.actualCouch);
    const hold = s.beamOn ? TlogBeamHold.normal : TlogBeamHold.hold;
    const pairs: Array<[number, number]> = [
      [s.collimatorDeg, s.collimatorDeg], [s.gantryDeg, s.gantryDeg],
      [cm(s.expectedJaws.y1Mm), cm(s.actualJaws.y1Mm)], [cm(s.expectedJaws.y2Mm), cm(s.actualJaws.y2Mm)],
      [cm(s.expectedJaws.x1Mm), cm(s.actualJaws.x1Mm)], [cm(s.expectedJaws.x2Mm), cm(s.actualJaws.x2Mm)],
      ...ce.map((e, k): [number, number] => [e, ca[k]]),
      [s.expectedMu, s.actualMu], [hold, hold], [s.expectedControlPoint, s.actualControlPoint],
      [0, 0], [0, 0], // carriages A and B
      ...s.expectedLeaves.bankAMm.map((e, k): [number, number] => [cm(e), cm(s.actualLeaves.bankAMm[k])]),
      ...s.expectedLeaves.bankBMm.map((e, k): [number, number] => [cm(-e), cm(-s.actualLeaves.bankBMm[k])]),
    ];
    this.rows.push(pairs.flat());
  }

  build(): TrajectoryLog {
    const h = this.header;
    const last = this.rows[this.rows.length - 1];
    const muAt = SCALAR_AXES.indexOf(TlogAxis.mu) * 2 + 1;
    const deliveredMu = last ? last[muAt] : 0;
    const data = new Float32Array(this.rows.length * this.rows[0]?.length || 0);
    this.rows.forEach((r, s) => data.set(r, s * r.length));
    const metadata = {
      'Patient ID': h.patientId, 'Plan Name': h.planName, 'Plan UID': h.planUid,
      'Original MU': h.plannedMu.toFixed(3), 'Remaining MU': Math.max(0, h.plannedMu - deliveredMu).toFixed(3), Energy: '', BeamName: h.beamName,
    };
    return {
      version: '4.0', samplingIntervalMs: h.samplingIntervalMs, axes: this.axes, axisScale: TlogScale.iec, isTruncated: false,
      mlcModel: h.mlcModel, metadataText: formatMetadata(metadata),
      subbeams: [{ controlPoint: 0, mu: deliveredMu, radiationTimeS: (this.rows.filter((r) => r[muAt + 2] === TlogBeamHold.normal).length * h.samplingIntervalMs) / 1000, sequence: 0, name: h.beamName.slice(0, 32) }],
      snapshots: this.rows.length, data,
    };
  }
}
