/**
 * A trajectory log as a MachineLog: axes found by the header's axis list
 * (never by version), cm → mm, snapshots kept where the beam-hold axis is 0
 * ("normal"), as pylinac does.
 */
import { BridgeError } from '../../core/bridge-error.js';
import { TlogAxis, axisOffsets, samplesPerSnapshot, type TrajectoryLog } from '../../protocol/logs/trajectory-log.js';
import { NO_JAW_MM, leafBoundaries, type MachineLog } from './machine-log.js';

const CM_TO_MM = 10;

export function machineLogFromTrajectory(log: TrajectoryLog): MachineLog {
  const offs = axisOffsets(log.axes);
  const mlc = offs.get(TlogAxis.mlc);
  if (!mlc || mlc.samples < 4 || (mlc.samples - 2) % 2 !== 0) {
    throw new BridgeError('INPUT_INVALID', 'trajectory log has no MLC axis with 2 carriages and an even leaf count', { field: 'tlog.axes[mlc].samples', actual: mlc?.samples ?? 'absent' });
  }
  const pairs = (mlc.samples - 2) / 2;
  const leaves = 2 * pairs;
  const S = log.snapshots;
  const stride = samplesPerSnapshot(log.axes) * 2;
  const at = (s: number, offset: number, actual: boolean): number => log.data[s * stride + offset * 2 + (actual ? 1 : 0)];
  const expectedMm = new Float32Array(S * leaves);
  const actualMm = new Float32Array(S * leaves);
  const kept = new Uint8Array(S);
  const expectedMu = new Float64Array(S);
  const actualMu = new Float64Array(S);
  const expectedJawsMm = new Float32Array(S * 4).fill(NO_JAW_MM);
  const actualJawsMm = new Float32Array(S * 4).fill(NO_JAW_MM);
  const mu = offs.get(TlogAxis.mu);
  const hold = offs.get(TlogAxis.beamHold);
  const jaws = [TlogAxis.x1, TlogAxis.x2, TlogAxis.y1, TlogAxis.y2].map((id) => offs.get(id));
  for (let s = 0; s < S; s++) {
    for (let l = 0; l < leaves; l++) {
      expectedMm[s * leaves + l] = at(s, mlc.offset + 2 + l, false) * CM_TO_MM;
      actualMm[s * leaves + l] = at(s, mlc.offset + 2 + l, true) * CM_TO_MM;
    }
    kept[s] = hold ? (at(s, hold.offset, true) === 0 ? 1 : 0) : 1;
    expectedMu[s] = mu ? at(s, mu.offset, false) : 0;
    actualMu[s] = mu ? at(s, mu.offset, true) : 0;
    jaws.forEach((j, k) => {
      if (!j) return;
      expectedJawsMm[s * 4 + k] = at(s, j.offset, false) * CM_TO_MM;
      actualJawsMm[s * 4 + k] = at(s, j.offset, true) * CM_TO_MM;
    });
  }
  const { boundariesMm, name } = leafBoundaries(pairs, log.mlcModel);
  return {
    format: 'trajectory', version: log.version, samplingIntervalMs: log.samplingIntervalMs, snapshots: S, leafPairs: pairs,
    expectedMm, actualMm, kept, expectedMu, actualMu, expectedJawsMm, actualJawsMm, leafBoundariesMm: boundariesMm, mlcName: name,
  };
}
