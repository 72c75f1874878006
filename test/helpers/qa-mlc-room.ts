/** A simulated room for the MLC QA checks: the simulators on loopback TCP, the bridge's own MLC and beam drivers. */
import { systemClock } from '../../src/core/clock.js';
import { BeamDriver } from '../../src/drivers/beam-driver.js';
import { MlcDriver } from '../../src/drivers/mlc-driver.js';
import type { MlcCheckRoom } from '../../src/qa/checks/mlc-qa-links.js';
import { openTcpLink } from '../../src/transport/tcp-link.js';
import { SimRoom } from '../../simulators/sim-room.js';
import { linkTiming, simOptions, testConfig } from './sim-fixtures.js';

export interface QaMlcRig {
  readonly sim: SimRoom;
  readonly room: MlcCheckRoom;
  readonly progress: Array<[number, string]>;
  close(): Promise<void>;
}

export async function startQaMlcRoom(timeScale: number): Promise<QaMlcRig> {
  const sim = new SimRoom({ ...simOptions, timeScale });
  const ports = await sim.start();
  const o = { clock: systemClock, ...linkTiming };
  const mlc = new MlcDriver(await openTcpLink('127.0.0.1', ports.mlc, 1000), o);
  const beam = new BeamDriver(await openTcpLink('127.0.0.1', ports.beam, 1000), o);
  const progress: Array<[number, string]> = [];
  return {
    sim,
    room: { mlc, beam, model: testConfig.mlc, clock: systemClock, onProgress: (f, m) => progress.push([f, m]) },
    progress,
    async close() {
      await mlc.close();
      await beam.close();
      await sim.stop();
    },
  };
}
