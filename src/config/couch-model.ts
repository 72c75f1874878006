/** Couch model: travel ranges, rotation limits and speeds per axis, from config/couch/*.json. */
import { z } from 'zod';

// strict everywhere: a misspelt key (`hexapd`) must not silently switch a check off
const Range = z.object({ min: z.number(), max: z.number() }).strict().refine((r) => r.min <= r.max, { message: 'min must be <= max' });

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
      strokeMm: z.object({ min: z.number().positive(), max: z.number().positive() }).strict().refine((r) => r.min < r.max, { message: 'min must be < max' }),
    })
    .strict()
    .optional(),
  /** Table-top pivot of pitch and roll, relative to the isocentre (table-top frame, couch at zero), mm. */
  pivotFromIsocentreMm: z.tuple([z.number().min(-2000).max(2000), z.number().min(-2000).max(2000), z.number().min(-2000).max(2000)]),
  inPosition: z.object({ translationMm: z.number().positive().max(5), rotationDeg: z.number().positive().max(2), settleMs: z.number().int().min(0).max(5000) }).strict(),
}).strict();

export type CouchModel = z.infer<typeof CouchModelSchema>;
