/** MLC model description: leaf geometry and motion limits, loaded from config/mlc/*.json. */
import { z } from 'zod';

export const MlcModelSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    leafPairs: z.number().int().min(1).max(160),
    /** Leaf widths at isocentre from the most negative Y_b boundary upward, mm. */
    leafWidthsMm: z.array(z.number().positive().max(50)),
    maxLeafSpeedMmPerS: z.number().positive().max(200),
    minGapMm: z.number().min(0).max(10),
    interdigitation: z.boolean(),
    travel: z.object({ minMm: z.number().min(-300).max(0), maxMm: z.number().min(0).max(300) }).strict(),
    /** In-position tolerance the MLC interlock uses for every leaf, mm. */
    positionToleranceMm: z.number().positive().max(5),
  })
  .strict()
  .refine((m) => m.leafWidthsMm.length === m.leafPairs, { message: 'leafWidthsMm must have one width per leaf pair (leafPairs entries)', path: ['leafWidthsMm'] });

export type MlcModel = z.infer<typeof MlcModelSchema>;

/** Leaf-pair boundaries along Y_b, mm, centred on the isocentre (leafPairs + 1 values). */
export function leafBoundariesMm(model: MlcModel): number[] {
  const total = model.leafWidthsMm.reduce((a, b) => a + b, 0);
  const out = [-total / 2];
  for (const w of model.leafWidthsMm) out.push(out[out.length - 1] + w);
  return out;
}
