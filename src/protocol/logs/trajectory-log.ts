/**
 * Varian TrueBeam trajectory log (`.bin`, v2.x–v5.0) as data: header,
 * subbeams and snapshot-major axis samples (expected, actual). Layout and
 * sources: docs/logs.md (shared reference `log-formats.md` §1, pylinac 3.42
 * `log_analyzer.py`, anmcgrath/TrajectoryLogReader; offsets measured on the
 * sample files). Units as logged: linear axes cm, rotations degrees, MU.
 */

/** Axis enumeration of the header's axis list (TrajectoryLogReader `Log/Axis.cs`). */
export const TlogAxis = {
  collimator: 0, gantry: 1, y1: 2, y2: 3, x1: 4, x2: 5,
  couchVrt: 6, couchLng: 7, couchLat: 8, couchRtn: 9, couchPit: 10, couchRol: 11,
  mu: 40, beamHold: 41, controlPoint: 42, mlc: 50,
  targetPosition: 60, trackingTarget: 61, trackingBase: 62, trackingPhase: 63, trackingConformityIndex: 64,
} as const;

/** Header field "axis scale": 1 machine (Varian) scale, 2 modified IEC 61217. */
export const TlogScale = { machine: 1, iec: 2 } as const;

/** Header field "MLC model": 0 NDS 80, 2 NDS 120 (Millennium 120), 3 NDS 120 HD. */
export const TlogMlcModel = { nds80: 0, nds120: 2, nds120hd: 3 } as const;

/** Beam hold state (axis 41): 0 normal (beam may be on), 1 freeze, 2 hold, 3 disabled. */
export const TlogBeamHold = { normal: 0, freeze: 1, hold: 2, disabled: 3 } as const;

export const TLOG_HEADER_BYTES = 1024;
export const TLOG_SIGNATURE = 'VOSTL';
/** Bytes of the v ≥ 4.0 metadata block (Key:\tValue\r\n lines, NUL-padded). */
export const TLOG_METADATA_BYTES = 745;

export interface TlogAxisSpec {
  /** Axis enumeration value (TlogAxis). */
  readonly id: number;
  /** Samples per snapshot: 1 for scalar axes, leaves + 2 carriages for the MLC. */
  readonly samples: number;
}

export interface TlogSubbeam {
  readonly controlPoint: number;
  readonly mu: number;
  readonly radiationTimeS: number;
  readonly sequence: number;
  /** Name as stored (latin1, trailing NULs removed); v3 files may hold UTF-7 text. */
  readonly name: string;
  /** The 32 bytes after the name, when they are not the usual copy of the name's first 32 bytes. */
  readonly trailer?: Uint8Array;
}

export interface TrajectoryLog {
  /** Version text as stored, e.g. "2.1", "4.0". */
  readonly version: string;
  readonly samplingIntervalMs: number;
  readonly axes: readonly TlogAxisSpec[];
  /** TlogScale value. */
  readonly axisScale: number;
  readonly isTruncated: boolean;
  /** TlogMlcModel value. */
  readonly mlcModel: number;
  /** v ≥ 4.0: the metadata block's text (trailing NULs removed); undefined before 4.0. */
  readonly metadataText?: string;
  readonly subbeams: readonly TlogSubbeam[];
  readonly snapshots: number;
  /** snapshots × Σ samples × 2 float32: for each snapshot, each axis, each sample: expected, actual. */
  readonly data: Float32Array;
  /** Header bytes after the fixed fields (zeros in every file seen); kept so a re-write is identical. */
  readonly reserved?: Uint8Array;
}

export const versionNumber = (v: string): number => Number.parseFloat(v);
/** Subbeam name field: 32 bytes before v3.0, 512 from v3.0 on. */
export const subbeamNameBytes = (v: string): number => (versionNumber(v) >= 3 ? 512 : 32);
export const subbeamBytes = (v: string): number => 16 + subbeamNameBytes(v) + 32;
export const samplesPerSnapshot = (axes: readonly TlogAxisSpec[]): number => axes.reduce((s, a) => s + a.samples, 0);

/** Offset in a snapshot (in float pairs) of each axis, by axis id. */
export function axisOffsets(axes: readonly TlogAxisSpec[]): Map<number, { offset: number; samples: number }> {
  const m = new Map<number, { offset: number; samples: number }>();
  let o = 0;
  for (const a of axes) {
    m.set(a.id, { offset: o, samples: a.samples });
    o += a.samples;
  }
  return m;
}

/** Parses the v ≥ 4 metadata text (`Key:\tValue` lines; the key ends at the first ':'). */
export function parseMetadata(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? '').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Formats metadata as the writer emits it: `Key:\tValue\r\n` per entry. */
export const formatMetadata = (m: Readonly<Record<string, string>>): string =>
  Object.entries(m).map(([k, v]) => `${k}:\t${v}\r\n`).join('');
