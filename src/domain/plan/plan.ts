/**
 * A treatment plan as the bridge delivers it: step-and-shoot beams whose
 * segments are apertures on a bixel grid (one grid row per MLC leaf pair,
 * starting at `grid.firstLeafPair`). Units: MU, mm, degrees.
 */
import type { Aperture } from '../../kernels/fluence.js';
import type { TrajectoryPoint } from '../../protocol/mlc-protocol.js';
import type { PatientPosition } from '../registration/patient-position.js';
import type { PlanGeometry } from '../registration/spatial-registration.js';

export interface BixelGrid {
  /** Width of one bixel along leaf travel (X_b at isocentre), mm. */
  readonly bixelWidthMm: number;
  /** X_b of the left edge of column 0, mm. */
  readonly originMm: number;
  /** MLC leaf-pair index (0-based, most negative Y_b first) of grid row 0. */
  readonly firstLeafPair: number;
  readonly rows: number;
  readonly cols: number;
}

export interface PlanBeam {
  readonly id: number;
  readonly name: string;
  readonly gantryDeg: number;
  readonly doseRateMuPerMin: number;
  readonly grid: BixelGrid;
  readonly segments: readonly Aperture[];
  /** Intended fluence (MU per bixel), row-major rows × cols; the segments must deliver it exactly. */
  readonly fluence: readonly (readonly number[])[];
  /**
   * A DYNAMIC (sliding-window, dMLC) beam: every leaf of the MLC per control
   * point, by cumulative meterset weight 0..1 (leaves move linearly in MU between
   * control points). Such a beam has exactly one segment, its whole MU over the
   * envelope of the leaf openings (docs/dynamic-delivery.md). Absent: step and shoot.
   */
  readonly trajectory?: readonly TrajectoryPoint[];
}

export interface Plan {
  readonly patientId: string;
  readonly patientName: string;
  readonly planId: string;
  readonly fraction: number;
  /** Action-level table to use (config `actionLevels` key). */
  readonly protocol: string;
  readonly mlcModel: string;
  readonly beams: readonly PlanBeam[];
  /**
   * Frame of Reference UID of the planning CT (DICOM): the frame the isocentre
   * is given in and the one a DICOM registration must register to. Optional
   * (with `isocenterLpsMm`): without them DICOM registrations are refused.
   */
  readonly frameOfReferenceUid?: string;
  /** Plan isocentre, DICOM patient coordinates (LPS) in `frameOfReferenceUid`, mm. */
  readonly isocenterLpsMm?: readonly [number, number, number];
  /** DICOM Patient Position (PS3.3 C.7.3.1.1.2); without it DICOM registrations are refused. */
  readonly patientPosition?: PatientPosition;
}

export const beamMu = (b: PlanBeam): number => b.segments.reduce((s, seg) => s + seg.mu, 0);

/** What a DICOM registration needs from the plan, or undefined when the plan lacks any of it. */
export function planGeometry(p: Plan): PlanGeometry | undefined {
  if (!p.frameOfReferenceUid || !p.isocenterLpsMm || !p.patientPosition) return undefined;
  return { frameOfReferenceUid: p.frameOfReferenceUid, isocenterLpsMm: p.isocenterLpsMm, patientPosition: p.patientPosition };
}
