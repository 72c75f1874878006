import { describe, expect, it } from 'vitest';
import { MlcCmd, encodePositions, encodeTrajectoryChunk } from '../../src/protocol/mlc-protocol.js';
import { MlcDevice } from '../../simulators/mlc-device.js';
import { simOptions } from '../helpers/sim-fixtures.js';

const frame = (cmd: number, payload: Buffer = Buffer.alloc(0)) => ({ seq: 1, cmd, payload });
const n = simOptions.mlc.leafPairs;
const open = (a: number, b: number) => ({ bankAMm: new Array<number>(n).fill(a), bankBMm: new Array<number>(n).fill(b) });
const moveTo = (m: MlcDevice, a: number, b: number) => {
  m.handle(frame(MlcCmd.SetTargets, encodePositions(open(a, b))));
  m.handle(frame(MlcCmd.Move));
};

describe('MLC simulator leaf faults (setLeafFault)', () => {
  it('an offset leaf reads its target while it really stands offset (A17 is bank A, pair index 16)', () => {
    const m = new MlcDevice(simOptions.mlc);
    m.setLeafFault('A', 17, { offsetMm: 0.8 });
    moveTo(m, 20, -20);
    for (let i = 0; i < 200; i++) m.advance(10);
    expect(m.positions.bankAMm[16]).toBe(20);
    expect(m.truePositions.bankAMm[16]).toBeCloseTo(20.8, 9);
    expect(m.truePositions.bankAMm[15]).toBe(20);
    expect(m.truePositions.bankBMm[16]).toBe(-20);
  });

  it('a speed-limited leaf (B3 = bank B, pair index 2) moves no faster than its limit; the others at the rated speed', () => {
    const m = new MlcDevice(simOptions.mlc);
    m.setLeafFault('B', 3, { speedMmPerS: 15 });
    moveTo(m, 40, -40);
    for (let i = 0; i < 100; i++) m.advance(10); // 1 s
    const start = -simOptions.mlc.minGapMm / 2;
    expect(start - m.positions.bankBMm[2]).toBeCloseTo(15, 6);
    expect(start - m.positions.bankBMm[3]).toBeCloseTo(simOptions.mlc.maxLeafSpeedMmPerS, 6);
  });

  it('clears a leaf with an empty fault, and refuses a leaf number outside 1..pairs or a speed ≤ 0', () => {
    const m = new MlcDevice(simOptions.mlc);
    m.setLeafFault('A', 1, { offsetMm: 1 });
    m.setLeafFault('A', 1, {});
    expect(m.truePositions).toEqual(m.positions);
    expect(() => m.setLeafFault('A', 0, { offsetMm: 1 })).toThrow(RangeError);
    expect(() => m.setLeafFault('B', n + 1, { offsetMm: 1 })).toThrow(RangeError);
    expect(() => m.setLeafFault('B', 3, { speedMmPerS: 0 })).toThrow(RangeError);
  });

  it('raises beam hold-off the moment a trajectory starts with leaves off its first point', () => {
    const m = new MlcDevice(simOptions.mlc);
    const far = { metersetWeight: 0, positions: open(30, 20) };
    const end = { metersetWeight: 1, positions: open(40, 30) };
    m.handle(frame(MlcCmd.LoadTrajectory, encodeTrajectoryChunk(0, 2, [far, end])));
    m.handle(frame(MlcCmd.StartTrajectory));
    expect(m.beamHoldOff).toBe(true); // before any physics tick: no dose may go out while off-plan
  });
});
