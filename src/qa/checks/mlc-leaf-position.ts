/**
 * MLC leaf position accuracy (issue 13; AAPM TG-142 Table V, MPPG 8.a/8.b):
 * drives a picket fence — every leaf pair at a set of static positions across
 * the field, each picket a strip `gapMm` wide — through the MLC driver, delivers
 * each picket as its own QA beam while the portal imager integrates, and measures
 * every leaf tip on the image (`analysePicketFence`), independently of the
 * controller's readback: a leaf whose calibration is off reports its target
 * while standing elsewhere. Per leaf ("A17", "B3"): the error of its tip
 * against the picket line ± half the gap at the picket where it is worst, with
 * the commanded target and the controller's readback in `detail`.
 */
import { leafBoundariesMm } from '../../config/mlc-model.js';
import type { MlcPositions } from '../../protocol/mlc-protocol.js';
import type { EpidImageSource } from '../epid/epid-image.js';
import { analysePicketFence, type PicketLeafMeasurement } from '../epid/picket-fence.js';
import { statusOf, worstStatus, type QaCheckResult, type QaItem, type QaTolerance } from '../qa-types.js';
import { deliverQaBeam, leafId, moveLeaves, uniform, withSafeStop, type MlcCheckRoom } from './mlc-qa-links.js';

export interface LeafPositionOptions {
  /** Picket centres along X_b, mm at the isocentre (default −60, −30, 0, 30, 60). */
  readonly picketCentresMm?: readonly number[];
  /** Width of each picket (A − B), mm (default 10: wide enough that each tip's edge stands alone). */
  readonly gapMm?: number;
  readonly muPerPicket?: number;
  readonly doseRateMuPerMin?: number;
  /** The imager's leaf-side 80–20 % penumbra, mm, to undo blur between neighbours (default 3; measure your panel). */
  readonly epidLeafSidePenumbraMm?: number;
  readonly beamId?: number;
}

export const LEAF_POSITION_CHECK = 'mlc-leaf-position';

export async function mlcLeafPositionCheck(room: MlcCheckRoom, epid: EpidImageSource, tolerance: QaTolerance, o: LeafPositionOptions = {}): Promise<QaCheckResult> {
  const centres = [...(o.picketCentresMm ?? [-60, -30, 0, 30, 60])].sort((a, b) => a - b);
  const gap = o.gapMm ?? 10;
  const mu = o.muPerPicket ?? 5;
  const doseRate = o.doseRateMuPerMin ?? 600;
  const pairs = room.model.leafPairs;
  const progress = room.onProgress ?? (() => undefined);
  const targets = centres.map((c) => uniform(pairs, c + gap / 2, c - gap / 2));
  const readbacks: MlcPositions[] = [];
  const image = await withSafeStop(room, async () => {
    await epid.begin();
    for (let k = 0; k < centres.length; k++) {
      progress(k / (centres.length + 1), `picket ${k + 1} of ${centres.length} at ${centres[k]} mm`);
      readbacks.push((await moveLeaves(room, targets[k], `mlc.picket${k + 1}`)).positions);
      // one QA beam per picket: the leaves move with the beam off, the imager integrates all of them
      await deliverQaBeam(room, { beamId: (o.beamId ?? 9001) + k, presetMu: mu, doseRateMuPerMin: doseRate });
    }
    progress(centres.length / (centres.length + 1), 'analysing the portal image');
    return epid.read();
  });
  const result = analysePicketFence(image, { leafBoundariesMm: leafBoundariesMm(room.model), leafSidePenumbraMm: o.epidLeafSidePenumbraMm ?? 3, nominalGapMm: gap });
  const items: QaItem[] = [];
  const missing: string[] = [];
  for (const bank of ['A', 'B'] as const) {
    for (let pair = 0; pair < pairs; pair++) {
      const seen = result.leaves.filter((l) => l.pair === pair);
      if (seen.length === 0) {
        missing.push(leafId(bank, pair));
        continue;
      }
      items.push(leafItem(bank, pair, seen, targets, readbacks, tolerance));
    }
  }
  progress(1, 'done');
  const notes = [
    `${result.pickets.length} pickets found (${centres.length} delivered); picket lines at ${result.pickets.map((p) => p.positionMm.toFixed(2)).join(', ')} mm vs ${centres.join(', ')} mm commanded`,
    `errors are each tip against its picket line ± ${gap / 2} mm (pylinac-style fit; the line absorbs imager shift and tilt)`,
  ];
  if (missing.length) notes.push(`not measured (outside the image or field): ${missing.join(', ')}`);
  return { name: LEAF_POSITION_CHECK, status: missing.length || result.pickets.length !== centres.length ? 'fail' : worstStatus(items.map((i) => i.status)), tolerance, items, notes };
}

function leafItem(bank: 'A' | 'B', pair: number, seen: readonly PicketLeafMeasurement[], targets: readonly MlcPositions[], readbacks: readonly MlcPositions[], tolerance: QaTolerance): QaItem {
  const errorOf = (l: PicketLeafMeasurement) => (bank === 'A' ? l.highErrorMm : l.lowErrorMm);
  const worst = seen.reduce((w, l) => (Math.abs(errorOf(l)) > Math.abs(errorOf(w)) ? l : w));
  const measured = bank === 'A' ? worst.highEdgeMm : worst.lowEdgeMm;
  const error = errorOf(worst);
  const bankOf = (p: MlcPositions) => (bank === 'A' ? p.bankAMm : p.bankBMm);
  const k = worst.picket;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    id: leafId(bank, pair),
    measured: round(measured),
    expected: round(measured - error),
    error: round(error),
    unit: 'mm',
    status: statusOf(error, tolerance),
    detail: {
      picket: k + 1,
      targetMm: round(bankOf(targets[k])[pair] ?? NaN),
      readbackMm: round(bankOf(readbacks[k])[pair] ?? NaN),
      meanErrorMm: round(seen.reduce((s, l) => s + errorOf(l), 0) / seen.length),
    },
  };
}
