/**
 * `linac-bridge sim <device>`: one simulator alone, as its own process, on a
 * loopback TCP port or (MLC, beam, couch as Modbus RTU) on a pseudo-terminal.
 * Its first line of output is its address, for scripts:
 * `<device> simulator on tcp://127.0.0.1:<port>` or `<device> simulator on pseudo-terminal <path>`.
 */
import { shutdownSignal } from './shutdown-signal.js';
import { simOptionsFrom } from './sim-options.js';
import { parsePort, parsePose, parsePositive } from './parse-args.js';
import { readInput } from './read-input.js';
import { JSON_LIMITS } from '../core/json-limits.js';
import { loadPlanFile } from '../domain/plan/validate-plan.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
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

export interface SimCommandOptions {
  readonly config?: string;
  readonly port: string;
  readonly pty?: boolean;
  readonly timeScale?: string;
  /** Imaging: the plan whose patient, plan id and fraction each published registration names (default PHANTOM-001 / DEMO / 1). */
  readonly plan?: string;
  /** Imaging: the correction each registration reports, `lat,long,vert,pitch,roll,yaw` (mm, deg). */
  readonly setupError?: string;
}

export async function simCommand(device: string, o: SimCommandOptions): Promise<number> {
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
    const subject = o.plan ? planSubject(cfg, o.plan) : { patientId: 'PHANTOM-001', planId: 'DEMO', fraction: 1 };
    const correction = parsePose(o.setupError ?? '1.2,-0.8,0.5,0.3,-0.2,0.4', '--setup-error');
    // each line on stdin (Enter) is one acquisition
    process.stdin.on('data', (d: Buffer) => {
      for (let i = 0; i < d.toString().split('\n').length - 1; i++) src.acquire(subject, correction);
    });
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

/** Who and what a published registration names: the plan's patient, plan id and fraction (the plan is validated like `simulate` does). */
function planSubject(cfg: LoadedConfig, file: string): { patientId: string; planId: string; fraction: number } {
  const plan = loadPlanFile(readInput(file, 'plan', JSON_LIMITS.plan.maxBytes), file, cfg.mlc, Object.keys(cfg.bridge.actionLevels), cfg.bridge.delivery);
  return { patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction };
}
