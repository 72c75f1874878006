/**
 * Every simulator of a treatment room, in-process, each on its own loopback
 * port: MLC controller and beam link (framed byte streams over TCP, as behind
 * a serial device server), the couch (Modbus TCP) and the CBCT source (NDJSON).
 */
import { BeamDevice, defaultBeamSimOptions, type BeamSimOptions } from './beam-device.js';
import { CouchDevice, type CouchSimOptions } from './couch-device.js';
import { FramedDeviceHost } from './framed-device-host.js';
import { ImagingSource } from './imaging-source.js';
import { MlcDevice, type MlcSimOptions } from './mlc-device.js';
import { ModbusRtuHost } from './modbus-rtu-host.js';
import { MotionSource } from './motion-source.js';
import { ModbusTcpHost } from './modbus-tcp-host.js';
import { PhysicsLoop } from './physics-loop.js';

export interface SimRoomOptions {
  readonly mlc: MlcSimOptions;
  readonly couch: CouchSimOptions;
  readonly beam?: Partial<BeamSimOptions>;
  readonly timeScale: number;
  readonly couchUnitId?: number;
  readonly host?: string;
}

export interface SimPorts {
  readonly mlc: number;
  readonly beam: number;
  readonly couch: number;
  readonly imaging: number;
  readonly motion: number;
}

export class SimRoom {
  readonly mlc: MlcDevice;
  readonly beam: BeamDevice;
  readonly couch: CouchDevice;
  readonly mlcHost: FramedDeviceHost;
  readonly beamHost: FramedDeviceHost;
  readonly couchHost: ModbusTcpHost;
  /** The couch's Modbus RTU face: attach a serial stream (pty master) to it. */
  readonly couchRtuHost: ModbusRtuHost;
  readonly imaging = new ImagingSource();
  readonly motion = new MotionSource();
  private readonly loop: PhysicsLoop;
  private portsValue: SimPorts | undefined;

  constructor(readonly options: SimRoomOptions) {
    this.mlc = new MlcDevice(options.mlc);
    this.beam = new BeamDevice({ ...defaultBeamSimOptions, ...options.beam });
    this.couch = new CouchDevice(options.couch);
    this.mlcHost = new FramedDeviceHost(this.mlc);
    this.beamHost = new FramedDeviceHost(this.beam);
    this.couchHost = new ModbusTcpHost(this.couch, options.couchUnitId ?? 1);
    this.couchRtuHost = new ModbusRtuHost(this.couch, options.couchUnitId ?? 1);
    // the hardwired lines between the MLC controller and the linac: dose fraction and beam hold-off
    this.mlc.doseFraction = () => (this.beam.status.presetMu > 0 ? this.beam.status.mu1 / this.beam.status.presetMu : 0);
    this.beam.holdOff = () => this.mlc.beamHoldOff;
    this.loop = new PhysicsLoop([this.mlc, this.beam, this.couch], options.timeScale);
  }

  get ports(): SimPorts {
    if (!this.portsValue) throw new Error('SimRoom not started');
    return this.portsValue;
  }

  async start(): Promise<SimPorts> {
    const host = this.options.host ?? '127.0.0.1';
    this.portsValue = {
      mlc: await this.mlcHost.host.listenTcp(0, host),
      beam: await this.beamHost.host.listenTcp(0, host),
      couch: await this.couchHost.host.listenTcp(0, host),
      imaging: await this.imaging.host.listenTcp(0, host),
      motion: await this.motion.host.listenTcp(0, host),
    };
    this.loop.start();
    return this.portsValue;
  }

  async stop(): Promise<void> {
    this.loop.stop();
    this.motion.stop();
    await Promise.all([this.motion.host.close(), this.mlcHost.host.close(), this.beamHost.host.close(), this.couchHost.host.close(), this.couchRtuHost.host.close(), this.imaging.host.close()]);
  }
}
