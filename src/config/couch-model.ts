/**
 * Couch model: travel ranges, rotation limits and speeds per axis, and the axes
 * it rotates about (docs/coordinates.md, "Couch rotation axes"), from config/couch/*.json.
 */
import { z } from 'zod';

// strict everywhere: a misspelt key (`hexapd`) must not silently switch a check off
const Range = z.object({ min: z.number(), max: z.number() }).strict().refine((r) => r.min <= r.max, { message: 'min must be <= max' });
const Offset = z.tuple([z.number().min(-2000).max(2000), z.number().min(-2000).max(2000), z.number().min(-2000).max(2000)]);

/**
 * What each rotation of the couch turns about.
 * yaw: `isocentric` = the patient-support turntable, about the vertical through the isocentre
 * (IEC 61217 patient support angle; the table-top translation axes turn with it);
 * `virtualPivot` = about the hexapod's virtual pivot; `none` = the couch cannot yaw.
 * pitchRoll: `tableTopPivot` = about a pivot on the table top that rides with the table
 * (`pivotFromIsocentreMm` at couch zero); `virtualPivot` = about the hexapod's virtual pivot;
 * `none` = the couch cannot pitch or roll.
 */
export const RotationAxesSchema = z.object({
  yaw: z.enum(['isocentric', 'virtualPivot', 'none']),
  pitchRoll: z.enum(['tableTopPivot', 'virtualPivot', 'none']),
}).strict();

export const CouchModelSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  /** Degrees of freedom the couch can correct. 4 = translations + yaw; 3 = translations only. */
  dof: z.union([z.literal(3), z.literal(4), z.literal(6)]),
  rangeMm: z.object({ lateral: Range, longitudinal: Range, vertical: Range }).strict(),
  rangeDeg: z.object({ pitch: Range, roll: Range, yaw: Range }).strict(),
  speed: z.object({ translationMmPerS: z.number().positive().max(200), rotationDegPerS: z.number().positive().max(20) }).strict(),
  acceleration: z.object({ translationMmPerS2: z.number().positive().max(2000), rotationDegPerS2: z.number().positive().max(200) }).strict(),
  /** A rotation the couch cannot apply (3DOF/4DOF) larger than this is refused, not dropped. */
  maxResidualRotationDeg: z.number().min(0).max(10),
  /** Present for hexapod couches: legs must stay within their stroke. */
  hexapod: z
    .object({
      baseRadiusMm: z.number().positive().max(2000),
      platformRadiusMm: z.number().positive().max(2000),
      baseHalfSpreadDeg: z.number().min(0).max(60),
      platformHalfSpreadDeg: z.number().min(0).max(60),
      homeHeightMm: z.number().positive().max(2000),
      /** Platform centre at home, relative to the isocentre, mm: the legs move it by (1 − R)(V − C) when turning about the virtual pivot V. */
      platformCentreFromIsocentreMm: Offset,
      strokeMm: z.object({ min: z.number().positive(), max: z.number().positive() }).strict().refine((r) => r.min < r.max, { message: 'min must be < max' }),
    })
    .strict()
    .optional(),
  rotationAxes: RotationAxesSchema,
  /** Table-top pivot of pitch and roll, relative to the isocentre (table-top frame, couch at zero), mm. Required when pitchRoll is `tableTopPivot`. */
  pivotFromIsocentreMm: Offset.optional(),
  /** Hexapod: the point its rotations turn about, relative to the isocentre at couch zero, mm. Required when an axis is `virtualPivot`. */
  virtualPivotFromIsocentreMm: Offset.optional(),
  inPosition: z.object({ translationMm: z.number().positive().max(5), rotationDeg: z.number().positive().max(2), settleMs: z.number().int().min(0).max(5000) }).strict(),
}).strict().superRefine((m, ctx) => {
  const a = m.rotationAxes;
  const want = m.dof === 6 ? 'yaw and pitchRoll both turning' : m.dof === 4 ? 'yaw turning, pitchRoll none' : 'yaw and pitchRoll none';
  const fits = m.dof === 6 ? a.yaw !== 'none' && a.pitchRoll !== 'none' : m.dof === 4 ? a.yaw !== 'none' && a.pitchRoll === 'none' : a.yaw === 'none' && a.pitchRoll === 'none';
  if (!fits) ctx.addIssue({ code: 'custom', path: ['rotationAxes'], message: `a ${m.dof}DOF couch needs ${want}` });
  const virtual = [a.yaw, a.pitchRoll].filter((x) => x === 'virtualPivot').length;
  if (virtual === 1) ctx.addIssue({ code: 'custom', path: ['rotationAxes'], message: 'a virtual pivot turns all three rotations: yaw and pitchRoll both virtualPivot' });
  if (virtual > 0 && (!m.virtualPivotFromIsocentreMm || !m.hexapod)) ctx.addIssue({ code: 'custom', path: ['virtualPivotFromIsocentreMm'], message: 'virtualPivot axes need virtualPivotFromIsocentreMm and hexapod' });
  if (a.pitchRoll === 'tableTopPivot' && !m.pivotFromIsocentreMm) ctx.addIssue({ code: 'custom', path: ['pivotFromIsocentreMm'], message: 'a tableTopPivot couch needs pivotFromIsocentreMm' });
  if (m.hexapod && virtual === 0) ctx.addIssue({ code: 'custom', path: ['rotationAxes'], message: 'a hexapod turns about its virtual pivot: yaw and pitchRoll virtualPivot' });
});

export type CouchModel = z.infer<typeof CouchModelSchema>;
