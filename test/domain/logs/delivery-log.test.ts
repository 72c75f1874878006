import { describe, expect, it } from 'vitest';
import { MlcDevice } from '../../../simulators/mlc-device.js';
import { DeliveryLogBuilder, type Jaws } from '../../../src/domain/logs/delivery-log-builder.js';
import { machineLogFromTrajectory } from '../../../src/domain/logs/from-trajectory-log.js';
import { analyzeLog } from '../../../src/domain/logs/log-analysis.js';
import { MlcCmd, encodePositions, encodeTrajectoryChunk, positionsAt, type TrajectoryPoint } from '../../../src/protocol/mlc-protocol.js';
import { TlogAxis, axisOffsets } from '../../../src/protocol/logs/trajectory-log.js';
import { decodeTrajectoryLog } from '../../../src/protocol/logs/trajectory-log-decode.js';
import { encodeTrajectoryLog } from '../../../src/protocol/logs/trajectory-log-encode.js';

const PAIRS = 60;
const BEAM_MS = 8000;
const JAWS: Jaws = { x1Mm: 60, x2Mm: 60, y1Mm: 50, y2Mm: 50 };
// a sliding window: every pair sweeps 80 mm over the beam, 10 mm/s (the model allows 25 mm/s)
const trajectory: TrajectoryPoint[] = [0, 1].map((w) => ({
  metersetWeight: w,
  positions: { bankBMm: new Array<number>(PAIRS).fill(-50 + 80 * w), bankAMm: new Array<number>(PAIRS).fill(-40 + 80 * w) },
}));

/** Delivers the sweep on the simulated MLC with a simulated clock (5 ms steps), sampling every 20 ms. */
function deliver(fault: { lagMs?: number; lagMm?: number }): { builder: DeliveryLogBuilder; actualA: number[][] } {
  const mlc = new MlcDevice({ model: 'sim', leafPairs: PAIRS, maxLeafSpeedMmPerS: 25, minGapMm: 0.5, interdigitation: true, travel: { minMm: -200, maxMm: 200 } });
  let tMs = 0;
  mlc.doseFraction = () => Math.min(1, Math.max(0, tMs / BEAM_MS));
  const send = (cmd: MlcCmd, payload: Buffer) => mlc.handle({ seq: 0, cmd, payload });
  const start = positionsAt(trajectory, 0);
  // the leaves go to the first control point before the beam; the fault is injected then
  expect(send(MlcCmd.SetTargets, encodePositions(start))).toEqual({ payload: Buffer.alloc(0) });
  send(MlcCmd.Move, Buffer.alloc(0));
  for (let k = 0; k < 2000; k++) mlc.advance(5);
  expect(mlc.positions).toEqual(start);
  mlc.leafLag.fault = fault;
  expect(send(MlcCmd.LoadTrajectory, encodeTrajectoryChunk(0, 2, trajectory))).toEqual({ payload: Buffer.alloc(0) });
  expect(send(MlcCmd.StartTrajectory, Buffer.alloc(0))).toEqual({ payload: Buffer.alloc(0) });
  const builder = new DeliveryLogBuilder({ leafPairs: PAIRS, mlcModel: 2, samplingIntervalMs: 20, patientId: 'PHANTOM', planName: 'SWEEP', planUid: '1.2.3', beamName: 'B1', plannedMu: 100 });
  const actualA: number[][] = [];
  for (tMs = 0; tMs <= BEAM_MS + 400; ) {
    const f = mlc.doseFraction();
    const p = mlc.positions;
    actualA.push([...p.bankAMm]);
    builder.add({
      expectedLeaves: positionsAt(trajectory, f), actualLeaves: p, expectedJaws: JAWS, actualJaws: JAWS, gantryDeg: 0, collimatorDeg: 0,
      expectedMu: 100 * f, actualMu: 100 * f, beamOn: tMs > 0 && tMs <= BEAM_MS, expectedControlPoint: f, actualControlPoint: f,
    });
    for (let k = 0; k < 4; k++) {
      tMs += 5;
      mlc.advance(5);
    }
  }
  return { builder, actualA };
}

async function roundTrip(fault: { lagMs?: number; lagMm?: number }) {
  const { builder, actualA } = deliver(fault);
  const bytes = encodeTrajectoryLog(builder.build());
  const r = decodeTrajectoryLog(bytes);
  if (!r.ok) throw r.error;
  return { log: r.value, actualA, analysis: await analyzeLog(machineLogFromTrajectory(r.value)) };
}

describe('a delivery log of a simulated sliding-window beam', () => {
  it('reads back with the values it was written with (leaf readback in cm, bank A, float32)', async () => {
    const { log, actualA } = await roundTrip({ lagMs: 150 });
    const mlc = axisOffsets(log.axes).get(TlogAxis.mlc)!;
    const stride = log.data.length / log.snapshots;
    expect(log.snapshots).toBe(actualA.length);
    for (const s of [0, 100, 250, log.snapshots - 1]) {
      for (const leaf of [0, 29, 59]) expect(log.data[s * stride + (mlc.offset + 2 + leaf) * 2 + 1]).toBe(Math.fround(actualA[s][leaf] / 10));
    }
    expect([log.version, log.axisScale, log.samplingIntervalMs]).toEqual(['4.0', 2, 20]);
  });

  it('reports the injected 150 ms leaf lag, and the error it causes at 10 mm/s (1.5 mm)', async () => {
    const { analysis } = await roundTrip({ lagMs: 150 });
    expect(analysis.movingLeaves).toBe(120);
    expect(analysis.leafLagMs!).toBeGreaterThan(140);
    expect(analysis.leafLagMs!).toBeLessThan(160);
    expect(analysis.maxAbsErrorMm).toBeCloseTo(1.5, 1);
    expect(analysis.rmsMaxMm).toBeGreaterThan(1.3);
    expect(analysis.gamma.passPercent).toBeLessThan(100);
  });

  it('reports a leaf lag of a fixed distance (1 mm) as that error on every moving leaf', async () => {
    const { analysis } = await roundTrip({ lagMm: 1 });
    expect(analysis.rmsMeanMm).toBeGreaterThan(0.9);
    expect(analysis.maxAbsErrorMm).toBeLessThan(1.3);
  });

  it('reports no lag and no error without the fault', async () => {
    const { analysis } = await roundTrip({});
    expect(analysis.leafLagMs!).toBeLessThan(10);
    expect(analysis.maxAbsErrorMm).toBeLessThan(0.3);
    expect(analysis.gamma.passPercent).toBe(100);
  });
});
