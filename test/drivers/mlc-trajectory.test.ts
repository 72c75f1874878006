import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { BeamDriver } from '../../src/drivers/beam-driver.js';
import { MlcDriver } from '../../src/drivers/mlc-driver.js';
import { parseFluenceCsv } from '../../src/domain/sequencing/fluence-map.js';
import { controlPointsOnBank, slidingWindow } from '../../src/domain/sequencing/sliding-window.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { positionsAt } from '../../src/protocol/mlc-protocol.js';
import { openTcpLink } from '../../src/transport/tcp-link.js';
import { SimRoom } from '../../simulators/sim-room.js';
import { linkTiming, simOptions } from '../helpers/sim-fixtures.js';
import { until } from '../helpers/wait.js';

let room: SimRoom | undefined;
const drivers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
  await room?.stop();
});

async function rig() {
  room = new SimRoom({ ...simOptions, timeScale: 1 });
  const ports = await room.start();
  const o = { clock: systemClock, ...linkTiming };
  const mlc = new MlcDriver(await openTcpLink('127.0.0.1', ports.mlc, 1000), o);
  const beam = new BeamDriver(await openTcpLink('127.0.0.1', ports.beam, 1000), o);
  drivers.push(mlc, beam);
  return { room, mlc, beam };
}

// a small sliding-window map: 3 leaf pairs, 6 bixels of 5 mm, levels 0..4
const map = parseFluenceCsv('0,1,3,4,2,0\n1,2,2,3,3,1\n0,0,2,4,1,0\n');
const sw = slidingWindow(map, { bixelWidthMm: 5, maxLeafSpeedMmPerS: 25, doseRateMuPerMin: 600, minGapMm: 0.5, originMm: -15, maxBixelErrorMu: 0.25 });
const points = controlPointsOnBank(sw, 60, 28, 0.5, -15);

describe('the MLC simulator following sliding-window control points', () => {
  it('loads the trajectory over the framed link and tracks it by the linac’s delivered-dose fraction', async () => {
    const { mlc, beam } = await rig();
    await mlc.setTargets(points[0].positions);
    await mlc.move();
    // the readback at the first point (within the controller’s 0.05 mm), not a snapshot from before the move
    const atFirst = () => mlc.latest?.positions.bankAMm.every((v, i) => Math.abs(v - points[0].positions.bankAMm[i]) <= 0.05) && mlc.latest.positions.bankBMm.every((v, i) => Math.abs(v - points[0].positions.bankBMm[i]) <= 0.05);
    await until(() => mlc.latest?.status.inPosition === true && atFirst() === true, 3000, 'at the first control point');
    await mlc.loadTrajectory(points);
    await mlc.startTrajectory();
    await beam.arm({ beamId: 1, presetMu: sw.totalMu, doseRateMuPerMin: 600 });
    await beam.setSegmentEnd(sw.totalMu);
    await beam.beamOn();
    // compare each MLC readback with the plan at the dose delivered when that readback arrived
    const muAt: Array<[number, number]> = [];
    let worst = 0;
    let compared = 0;
    let lastSnapshot = -1;
    await until(() => {
      const b = room!.beam.status;
      muAt.push([performance.now(), b.mu1]);
      const m = mlc.latest;
      if (m && m.atMs !== lastSnapshot && b.state === BeamState.BeamOn) {
        lastSnapshot = m.atMs;
        const mu = [...muAt].reverse().find(([t]) => t <= m.atMs)?.[1];
        if (mu !== undefined && mu > 0) {
          const want = positionsAt(points, mu / b.presetMu);
          for (let r = 28; r < 31; r++) worst = Math.max(worst, Math.abs(m.positions.bankAMm[r] - want.bankAMm[r]), Math.abs(m.positions.bankBMm[r] - want.bankBMm[r]));
          compared++;
        }
      }
      return b.state === BeamState.Complete;
    }, 10_000, 'beam complete');
    expect(room!.beam.status.mu1).toBeCloseTo(sw.totalMu, 2);
    expect(compared).toBeGreaterThan(5);
    // the readback was taken one round trip before it arrived: at 25 mm/s a few ms are well under 1 mm
    expect(worst).toBeLessThan(1.5);
    await until(() => mlc.latest?.positions.bankAMm[28] === points.at(-1)!.positions.bankAMm[28], 2000, 'leaves at the last control point');
  });

  it('holds the beam off while a stuck leaf lags its trajectory', async () => {
    const { room: r, mlc, beam } = await rig();
    await mlc.setTargets(points[0].positions);
    await mlc.move();
    await until(() => mlc.latest?.status.inPosition === true, 3000, 'at the first control point');
    await mlc.loadTrajectory(points);
    await mlc.startTrajectory();
    r.mlc.faults.stuckLeavesA.add(29);
    await beam.arm({ beamId: 1, presetMu: sw.totalMu, doseRateMuPerMin: 600 });
    await beam.setSegmentEnd(sw.totalMu);
    await beam.beamOn();
    await until(() => mlc.latest?.status.holdOff === true, 5000, 'hold-off');
    const mu = r.beam.status.mu1;
    await new Promise((res) => setTimeout(res, 300));
    expect(r.beam.status.mu1).toBeCloseTo(mu, 6); // no dose while held off
    expect(mu).toBeLessThan(sw.totalMu);
  });

  it('refuses to start a trajectory that is not completely loaded', async () => {
    const { mlc } = await rig();
    await expect(mlc.startTrajectory()).rejects.toMatchObject({ code: 'DEVICE_REJECTED' });
  });
});
