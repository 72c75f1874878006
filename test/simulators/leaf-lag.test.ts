import { describe, expect, it } from 'vitest';
import { MlcDevice } from '../../simulators/mlc-device.js';
import { MlcCmd, decodeStatus, encodePositions } from '../../src/protocol/mlc-protocol.js';

const make = () => new MlcDevice({ model: 'sim', leafPairs: 2, maxLeafSpeedMmPerS: 20, minGapMm: 0.5, interdigitation: true, travel: { minMm: -200, maxMm: 200 } });
const moveTo = (mlc: MlcDevice, a: number[], b: number[]) => {
  mlc.handle({ seq: 0, cmd: MlcCmd.SetTargets, payload: encodePositions({ bankAMm: a, bankBMm: b }) });
  mlc.handle({ seq: 0, cmd: MlcCmd.Move, payload: Buffer.alloc(0) });
};

describe('MLC simulator leaf-lag fault', () => {
  it('starts the leaves toward a new target only after the injected time lag', () => {
    const mlc = make();
    mlc.leafLag.fault = { lagMs: 100 };
    moveTo(mlc, [10, 10], [-10, -10]);
    for (let k = 0; k < 19; k++) mlc.advance(5); // 95 ms: the leaves have not started
    expect(mlc.positions.bankAMm[0]).toBe(0.25);
    for (let k = 0; k < 10; k++) mlc.advance(5); // 50 ms later: moving at 20 mm/s
    expect(mlc.positions.bankAMm[0]).toBeGreaterThan(0.25);
    expect(mlc.positions.bankAMm[0]).toBeLessThanOrEqual(0.25 + 20 * 0.055);
  });

  it('stops the leaves the injected distance short of their target, and the controller keeps reporting them out of position', () => {
    const mlc = make();
    mlc.leafLag.fault = { lagMm: 0.8 };
    moveTo(mlc, [10, 10], [-10, -10]);
    for (let k = 0; k < 400; k++) mlc.advance(5);
    expect(mlc.positions.bankAMm[0]).toBeCloseTo(9.2, 9);
    expect(mlc.positions.bankBMm[1]).toBeCloseTo(-9.2, 9);
    const reply = mlc.handle({ seq: 0, cmd: MlcCmd.Status, payload: Buffer.alloc(0) });
    const status = 'payload' in reply && reply.payload ? decodeStatus(reply.payload) : undefined;
    expect(status?.inPosition).toBe(false);
    expect(status?.maxErrorMm).toBeCloseTo(0.8, 6);
  });

  it('moves the leaves as before when no lag is injected', () => {
    const mlc = make();
    moveTo(mlc, [10, 10], [-10, -10]);
    mlc.advance(100);
    expect(mlc.positions.bankAMm[0]).toBeCloseTo(0.25 + 2, 9);
  });
});
