import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { BeamDriver } from '../../src/drivers/beam-driver.js';
import { BeamState, TerminationReason } from '../../src/protocol/beam-protocol.js';
import { openTcpLink } from '../../src/transport/tcp-link.js';
import { BeamDevice, defaultBeamSimOptions } from '../../simulators/beam-device.js';
import { FramedDeviceHost } from '../../simulators/framed-device-host.js';
import { PhysicsLoop } from '../../simulators/physics-loop.js';
import { linkTiming } from '../helpers/sim-fixtures.js';
import { msToStale } from '../helpers/stale-detection.js';
import { until } from '../helpers/wait.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(timeScale = 20) {
  const device = new BeamDevice(defaultBeamSimOptions);
  const host = new FramedDeviceHost(device);
  const loop = new PhysicsLoop([device], timeScale);
  loop.start();
  const port = await host.host.listenTcp(0);
  const driver = new BeamDriver(await openTcpLink('127.0.0.1', port, 1000), { clock: systemClock, ...linkTiming });
  cleanups.push(() => loop.stop(), () => host.host.close(), () => driver.close());
  return { device, host, driver };
}

describe('beam driver against the linac simulator over loopback TCP', () => {
  it('arms, delivers a segment, pauses at its end and completes at the preset on both channels', async () => {
    const { driver } = await rig();
    await driver.arm({ beamId: 3, presetMu: 10, doseRateMuPerMin: 600 });
    await driver.setSegmentEnd(4);
    await driver.beamOn();
    await until(() => driver.latest?.status.state === BeamState.SegmentDone, 3000, 'segment done');
    expect(driver.latest!.status.mu1).toBeCloseTo(4, 3);
    await driver.setSegmentEnd(10);
    await driver.beamOn();
    await until(() => driver.latest?.status.state === BeamState.Complete, 3000, 'complete');
    const s = await driver.status();
    expect(s.mu1).toBeCloseTo(10, 3);
    expect(Math.abs(s.mu2 - 10)).toBeLessThan(0.1);
    expect(s.termination).toBe(TerminationReason.PresetReached);
  });

  it('is refused beam-on by the linac itself while the door is open', async () => {
    const { driver, device } = await rig();
    device.room.doorClosed = false;
    await driver.arm({ beamId: 1, presetMu: 5, doseRateMuPerMin: 600 });
    await driver.setSegmentEnd(5);
    await expect(driver.beamOn()).rejects.toMatchObject({ code: 'DEVICE_REJECTED' });
  });

  it('rejects and counts a CRC-corrupted reply, and the link stays up', async () => {
    const { driver, host } = await rig();
    await until(() => driver.isFresh(), 2000, 'fresh');
    host.faults.corruptReplies = 1;
    await until(() => driver.counters.framesRejected === 1, 2000, 'rejected frame');
    await expect(driver.status()).resolves.toMatchObject({ state: BeamState.Idle });
    expect(driver.isFresh()).toBe(true);
  });

  it('reports a silent linac stale within two heartbeat periods', async () => {
    const { driver, host } = await rig();
    expect(await msToStale(driver, () => (host.faults.silent = true))).toBeLessThanOrEqual(2 * linkTiming.heartbeatMs);
  });

  it('the linac holds the beam by itself when the bridge heartbeat stops (device-side watchdog)', async () => {
    const { driver, device } = await rig(1);
    await driver.arm({ beamId: 1, presetMu: 100, doseRateMuPerMin: 600 });
    await driver.setSegmentEnd(100);
    await driver.beamOn();
    await driver.close(); // the bridge dies: no more heartbeats
    await until(() => device.status.state === BeamState.Held, 2000, 'watchdog hold');
    expect(device.status.watchdogHold).toBe(true);
  });
});
