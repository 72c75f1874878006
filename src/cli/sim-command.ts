/**
 * `linac-bridge sim <device>`: one simulator alone, as its own process, on a
 * loopback TCP port or (MLC, beam) on a pseudo-terminal whose path it prints.
 */
import { shutdownSignal } from './shutdown-signal.js';
import { simOptionsFrom } from './sim-options.js';
import { parsePort, parsePositive } from './parse-args.js';
import { loadConfig } from '../config/load-config.js';
import { BridgeError } from '../core/bridge-error.js';
import { openPtyPair } from '../kernels/pty.js';
import { BeamDevice, defaultBeamSimOptions } from '../../simulators/beam-device.js';
import { CouchDevice } from '../../simulators/couch-device.js';
import { FramedDeviceHost } from '../../simulators/framed-device-host.js';
import { ImagingSource } from '../../simulators/imaging-source.js';
import { MlcDevice } from '../../simulators/mlc-device.js';
import { ModbusRtuHost } from '../../simulators/modbus-rtu-host.js';
import { ModbusTcpHost } from '../../simulators/modbus-tcp-host.js';
import { PhysicsLoop } from '../../simulators/physics-loop.js';
import type { StreamHost } from '../../simulators/stream-host.js';

const DEVICES = ['mlc', 'beam', 'couch', 'imaging'] as const;

export async function simCommand(device: string, o: { config?: string; port: string; pty?: boolean; timeScale?: string }): Promise<number> {
  if (!DEVICES.includes(device as (typeof DEVICES)[number])) throw new BridgeError('INPUT_INVALID', 'unknown simulator', { field: 'device', actual: device, limit: DEVICES.join(' | ') });
  const stop = shutdownSignal();
  const cfg = loadConfig(o.config);
  const port = parsePort(o.port, '--port');
  const opts = simOptionsFrom(cfg, o.timeScale !== undefined ? parsePositive(o.timeScale, '--time-scale', 100) : undefined);
  let host: StreamHost;
  let loop: PhysicsLoop | undefined;
  if (device === 'mlc' || device === 'beam') {
    const dev = device === 'mlc' ? new MlcDevice(opts.mlc) : new BeamDevice({ ...defaultBeamSimOptions, ...opts.beam });
    host = new FramedDeviceHost(dev).host;
    loop = new PhysicsLoop([dev], opts.timeScale);
  } else if (device === 'couch') {
    const dev = new CouchDevice(opts.couch);
    host = o.pty ? new ModbusRtuHost(dev, opts.couchUnitId).host : new ModbusTcpHost(dev, opts.couchUnitId).host; // pty: Modbus RTU
    loop = new PhysicsLoop([dev], opts.timeScale);
  } else {
    const src = new ImagingSource();
    host = src.host;
    process.stdin.on('data', () => src.acquire({ patientId: 'PHANTOM-001', planId: 'DEMO', fraction: 1 }, { lateralMm: 1.2, longitudinalMm: -0.8, verticalMm: 0.5, pitchDeg: 0.3, rollDeg: -0.2, yawDeg: 0.4 }));
  }
  loop?.start();
  if (o.pty) {
    if (device === 'imaging') throw new BridgeError('INPUT_INVALID', '--pty is for the serial devices', { field: '--pty', limit: 'mlc | beam | couch' });
    const pty = openPtyPair();
    host.attach(pty.master);
    process.stdout.write(`${device} simulator on pseudo-terminal ${pty.slavePath}${device === 'couch' ? ' (Modbus RTU)' : ''}\n`);
  } else {
    const bound = await host.listenTcp(port, '127.0.0.1');
    process.stdout.write(`${device} simulator on tcp://127.0.0.1:${bound}${device === 'imaging' ? ' (press Enter to publish a registration)' : ''}\n`);
  }
  await stop;
  loop?.stop();
  await host.close();
  return 0;
}
