import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { MlcDriver } from '../../src/drivers/mlc-driver.js';
import { openPtyPair } from '../../src/kernels/pty.js';
import { openSerialLink } from '../../src/transport/serial-link.js';
import { openTcpLink } from '../../src/transport/tcp-link.js';
import { FramedDeviceHost } from '../../simulators/framed-device-host.js';
import { MlcDevice } from '../../simulators/mlc-device.js';
import { PhysicsLoop } from '../../simulators/physics-loop.js';
import { linkTiming, simOptions } from '../helpers/sim-fixtures.js';
import { msToStale } from '../helpers/stale-detection.js';
import { until } from '../helpers/wait.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tcpRig() {
  const device = new MlcDevice(simOptions.mlc);
  const host = new FramedDeviceHost(device);
  const loop = new PhysicsLoop([device], 10);
  loop.start();
  const port = await host.host.listenTcp(0);
  const driver = new MlcDriver(await openTcpLink('127.0.0.1', port, 1000), { clock: systemClock, ...linkTiming });
  cleanups.push(() => loop.stop(), () => host.host.close(), () => driver.close());
  return { device, host, driver };
}

const open = (n: number, half: number) => ({ bankAMm: new Array(n).fill(half), bankBMm: new Array(n).fill(-half) });

describe('MLC driver against the MLC simulator over loopback TCP', () => {
  it('identifies the controller, moves the leaves and reads them back', async () => {
    const { driver } = await tcpRig();
    expect(await driver.identify()).toMatchObject({ leafPairs: 60, model: 'millennium-120' });
    await driver.setTargets(open(60, 25));
    await driver.move();
    // a 24.5 mm move at 25 mm/s takes about 1 s; the bound leaves room for a busy machine (a CI run once needed more than 3 s)
    await until(() => driver.latest?.status.inPosition === true && driver.latest.positions.bankAMm[0] === 25, 10_000, 'leaves at 25 mm');
    expect(await driver.readPositions()).toEqual(open(60, 25));
    expect(driver.isFresh()).toBe(true);
  });

  it('gets a refusal (not a timeout) for targets closer than the minimum gap', async () => {
    const { driver } = await tcpRig();
    await expect(driver.setTargets(open(60, 0.1))).rejects.toMatchObject({ code: 'DEVICE_REJECTED', field: 'mlc.SetTargets' });
    expect(driver.counters.naks).toBe(1);
  });

  it('rejects and counts a CRC-corrupted reply, and the link stays up', async () => {
    const { driver, host } = await tcpRig();
    await until(() => driver.isFresh(), 2000, 'fresh link');
    host.faults.corruptReplies = 1;
    await until(() => driver.counters.framesRejected === 1, 2000, 'a rejected frame');
    expect(driver.counters.framesRejected).toBe(1);
    await expect(driver.identify()).resolves.toMatchObject({ leafPairs: 60 });
    expect(driver.isFresh()).toBe(true);
  });

  it('reports a silent controller stale within two heartbeat periods', async () => {
    const { driver, host } = await tcpRig();
    expect(await msToStale(driver, () => (host.faults.silent = true))).toBeLessThanOrEqual(2 * linkTiming.heartbeatMs);
  });

  it('reports a pulled cable (closed connection) as stale too', async () => {
    const { driver, host } = await tcpRig();
    await until(() => driver.isFresh(), 2000, 'fresh link');
    const events: string[] = [];
    driver.events$.subscribe((e) => events.push(e.type));
    host.host.dropConnections();
    await until(() => events.includes('link-stale'), 1000, 'link-stale');
    expect(events).toContain('link-closed');
    expect(driver.isFresh()).toBe(false);
  });
});

describe('MLC driver over a pseudo-terminal (serialport)', () => {
  it('talks to the simulator through a real tty', async () => {
    const pty = openPtyPair();
    const device = new MlcDevice(simOptions.mlc);
    const host = new FramedDeviceHost(device);
    const loop = new PhysicsLoop([device], 10);
    loop.start();
    host.host.attach(pty.master);
    const driver = new MlcDriver(await openSerialLink(pty.slavePath, 115200), { clock: systemClock, ...linkTiming });
    cleanups.push(() => loop.stop(), () => pty.close(), () => driver.close());
    expect(await driver.identify()).toMatchObject({ leafPairs: 60 });
    await driver.setTargets(open(60, 12.5));
    await driver.move();
    await until(() => driver.latest?.positions.bankBMm[59] === -12.5, 3000, 'leaves at 12.5 mm');
    host.faults.corruptReplies = 1;
    await until(() => driver.counters.framesRejected === 1, 2000, 'rejected frame over the tty');
    await expect(driver.identify()).resolves.toMatchObject({ leafPairs: 60 });
  });
});
