/**
 * The plan model: what a treatment plan says, in the terms of DICOM RT Plan
 * (PS3.3 C.8.8.14 RT Beams module) with the bridge's units in the names.
 * DICOM RT Plan files are imported into it (dicom/), the project's JSON plans
 * convert into it (json-plan.ts), the plan checks judge it (plan-checks.ts)
 * and delivery is built from it (delivery-plan.ts, beam-segments.ts).
 * Every field, its unit and its DICOM source: docs/plan-model.md.
 *
 * Frames: gantry, collimator (beam limiting device) and couch (patient support)
 * angles are IEC 61217, degrees in [0, 360). Jaw and leaf positions are in the
 * IEC BEAM LIMITING DEVICE frame projected to the isocentre plane, mm; the
 * isocentre is in DICOM patient coordinates (LPS) of `frameOfReferenceUid`, mm.
 * A control point holds every value in force at it (DICOM leaves unchanged
 * values out of later control points; the importer fills them forward).
 */
import type { PatientPosition } from '../registration/patient-position.js';

/** DICOM Radiation Type (300A,00C6). */
export type RadiationType = 'PHOTON' | 'ELECTRON' | 'PROTON' | 'NEUTRON' | 'ION';
/** DICOM Fluence Mode (3002,0051) / Fluence Mode ID (3002,0052): FFF = flattening-filter free. */
export type FluenceMode = 'STANDARD' | 'FFF' | 'SRS';
/** DICOM rotation direction (300A,011F etc.): CW, CC or NONE. */
export type RotationDirection = 'CW' | 'CC' | 'NONE';
/**
 * How the beam is delivered, judged from its control points (not only from Beam Type):
 * STATIC = leaves and jaws move only while no MU is delivered (one field, or step-and-shoot segments);
 * DYNAMIC = leaves or jaws move while MU is delivered (sliding window, dMLC);
 * ARC = the gantry rotates (any rotation direction other than NONE).
 */
export type BeamTechnique = 'STATIC' | 'DYNAMIC' | 'ARC';

export interface BeamEnergy {
  readonly radiationType: RadiationType;
  /** Nominal Beam Energy (300A,0114): MV for photons, MeV for electrons. */
  readonly nominal: number;
  readonly fluenceMode: FluenceMode;
}

/** Jaw pairs, [negative side, positive side] (X1, X2 / Y1, Y2), mm at isocentre; undefined = the device is not in the plan. */
export interface JawPositions {
  readonly xMm?: readonly [number, number];
  readonly yMm?: readonly [number, number];
}

/** One leaf pair per entry, in the order of the leaf boundaries (most negative first). Bank B = X1 (negative side), bank A = X2. */
export interface LeafPositions {
  readonly bankAMm: readonly number[];
  readonly bankBMm: readonly number[];
}

export interface ControlPoint {
  /** Control Point Index (300A,0112). */
  readonly index: number;
  /** Cumulative Meterset Weight (300A,0134) divided by the beam's Final Cumulative Meterset Weight: 0 … 1. */
  readonly cumulativeWeight: number;
  readonly gantryDeg: number;
  readonly gantryRotation: RotationDirection;
  readonly collimatorDeg: number;
  readonly collimatorRotation: RotationDirection;
  readonly couchDeg: number;
  readonly couchRotation: RotationDirection;
  readonly jaws: JawPositions;
  /** Undefined when the beam has no MLC. */
  readonly leaves?: LeafPositions;
  /** Dose Rate Set (300A,0115), MU/min; undefined when the file gives none (or 0). */
  readonly doseRateMuPerMin?: number;
}

export interface BeamMlc {
  /** The configured MLC model (config/mlc/<id>.json) the file's MLC matched. */
  readonly model: string;
  /** MLCX: leaves travel along X_b; MLCY: along Y_b. */
  readonly axis: 'MLCX' | 'MLCY';
  readonly pairs: number;
  /** Leaf Position Boundaries (300A,00BE), pairs + 1 values, mm. */
  readonly boundariesMm: readonly number[];
}

export interface Accessory {
  readonly kind: 'WEDGE' | 'APPLICATOR' | 'BLOCK' | 'COMPENSATOR' | 'BOLUS';
  readonly id: string;
  /** Wedge Angle (300A,00D5), degrees, for wedges. */
  readonly angleDeg?: number;
}

export interface RtBeam {
  /** Beam Number (300A,00C0); unique in the plan. */
  readonly number: number;
  readonly name: string;
  /** Beam Type (300A,00C4) as written in the file. */
  readonly beamType: 'STATIC' | 'DYNAMIC';
  readonly technique: BeamTechnique;
  /** Treatment Machine Name (300A,00B2). */
  readonly machine: string;
  readonly energy: BeamEnergy;
  /** Beam Meterset (300A,0086) of the fraction group, MU. */
  readonly metersetMu: number;
  readonly mlc?: BeamMlc;
  readonly controlPoints: readonly ControlPoint[];
  readonly accessories: readonly Accessory[];
  /** Referenced Tolerance Table Number (300C,00A0). */
  readonly toleranceTable?: number;
}

/** Tolerance Table Sequence item (300A,0040): how far a setting may be from the plan, degrees and mm. */
export interface ToleranceTable {
  readonly number: number;
  readonly label: string;
  readonly gantryDeg?: number;
  readonly collimatorDeg?: number;
  readonly couchDeg?: number;
  /** By device type (X, Y, ASYMX, ASYMY, MLCX, MLCY), mm. */
  readonly deviceMm: Readonly<Record<string, number>>;
  readonly tableTopMm: { readonly vertical?: number; readonly longitudinal?: number; readonly lateral?: number };
}

export interface RtPlan {
  readonly patientId: string;
  readonly patientName: string;
  /** RT Plan Label (300A,0002). */
  readonly planLabel: string;
  /** SOP Instance UID of the plan, when it came from a DICOM file. */
  readonly sopInstanceUid?: string;
  /** Number of Fractions Planned (300A,0078). */
  readonly fractionsPlanned?: number;
  readonly patientPosition?: PatientPosition;
  readonly frameOfReferenceUid?: string;
  /** Isocenter Position (300A,012C) of the first beam's first control point, LPS mm. */
  readonly isocenterLpsMm?: readonly [number, number, number];
  readonly toleranceTables: readonly ToleranceTable[];
  readonly beams: readonly RtBeam[];
}

/** MU delivered from the start of the beam up to control point `k`. */
export const cumulativeMu = (beam: RtBeam, k: number): number => beam.controlPoints[k].cumulativeWeight * beam.metersetMu;
