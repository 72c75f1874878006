/**
 * Which configured MLC model a plan's MLC is: the one with the same number of
 * leaf pairs and the same Leaf Position Boundaries (300A,00BE) within 0.01 mm
 * (DICOM gives the boundaries at the isocentre plane; config/mlc/*.json gives
 * the leaf widths there, centred on the isocentre: leafBoundariesMm).
 */
import { leafBoundariesMm, type MlcModel } from '../../../config/mlc-model.js';
import { dicomError } from './dicom-values.js';

const BOUNDARY_TOLERANCE_MM = 0.01;

export function matchMlcModel(pairs: number, boundariesMm: readonly number[], models: readonly MlcModel[], field: string): MlcModel {
  if (boundariesMm.length !== pairs + 1) throw dicomError(`${field}.LeafPositionBoundaries`, 'one boundary more than leaf pairs expected', { actual: boundariesMm.length, limit: pairs + 1 });
  const sameCount = models.filter((m) => m.leafPairs === pairs);
  const match = sameCount.find((m) => leafBoundariesMm(m).every((b, i) => Math.abs(b - boundariesMm[i]) <= BOUNDARY_TOLERANCE_MM));
  if (match) return match;
  const known = models.map((m) => `${m.id} (${m.leafPairs} pairs)`).join(', ') || 'none configured';
  if (sameCount.length === 0) throw dicomError(`${field}.NumberOfLeafJawPairs`, 'no configured MLC model has this many leaf pairs', { actual: pairs, limit: known });
  const m = sameCount[0];
  const at = leafBoundariesMm(m).findIndex((b, i) => Math.abs(b - boundariesMm[i]) > BOUNDARY_TOLERANCE_MM);
  throw dicomError(`${field}.LeafPositionBoundaries[${at}]`, `leaf boundaries match no configured MLC model (nearest: ${m.id})`, { actual: boundariesMm[at], limit: leafBoundariesMm(m)[at], unit: 'mm' });
}
