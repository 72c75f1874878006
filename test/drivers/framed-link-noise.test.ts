import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { MlcDriver } from '../../src/drivers/mlc-driver.js';
import { openTcpLink } from '../../src/transport/tcp-link.js';
import { FramedDeviceHost } from '../../simulators/framed-device-host.js';
import { MlcDevice } from '../../simulators/mlc-device.js';
import { linkTiming, simOptions } from '../helpers/sim-fixtures.js';
import { until } from '../helpers/wait.js';

// Issue 8: four noise bytes a5 5a ff 03 (a false header claiming 1023 bytes) left the MLC driver
// stale for 12 s under framing v1, because its decoder waited for 1029 bytes of replies.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('MLC driver and simulator over loopback TCP with line noise', () => {
  it('takes the very reply that follows four noise bytes (a5 5a ff 03)', async () => {
    const device = new MlcDevice(simOptions.mlc);
    const host = new FramedDeviceHost(device);
    const port = await host.host.listenTcp(0);
    const driver = new MlcDriver(await openTcpLink('127.0.0.1', port, 1000), { clock: systemClock, ...linkTiming, requestTimeoutMs: 2000 });
    cleanups.push(() => host.host.close(), () => driver.close());
    await until(() => driver.isFresh(), 2000, 'fresh link');
    host.faults.noiseBeforeNextReply = Buffer.from('a55aff03', 'hex');
    await expect(driver.identify()).resolves.toMatchObject({ leafPairs: 60 }); // v1: held back until 1029 bytes had come
    expect(host.faults.noiseBeforeNextReply).toBeUndefined();
    expect(driver.counters.framesRejected).toBe(1);
    expect(driver.counters.timeouts).toBe(0);
  });
});
