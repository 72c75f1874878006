/** Opens the three device drivers from the config's link specs (ports may be overridden for embedded simulators). */
import type { LoadedConfig } from '../config/load-config.js';
import { BridgeError } from '../core/bridge-error.js';
import type { Clock } from '../core/clock.js';
import { BeamDriver } from '../drivers/beam-driver.js';
import { CouchDriver } from '../drivers/couch-driver.js';
import { MlcDriver } from '../drivers/mlc-driver.js';
import type { LinkSpec } from '../transport/byte-link.js';
import { openReconnectingByteLink } from '../transport/open-link.js';
import type { RoomDrivers } from './evidence-feed.js';

export interface PortOverrides {
  readonly mlc?: number;
  readonly beam?: number;
  readonly couch?: number;
  /** Replaces the couch transport (e.g. Modbus RTU on a pseudo-terminal). */
  readonly couchSerialPath?: string;
}

function withPort(spec: LinkSpec, port: number | undefined, name: string): LinkSpec {
  if (spec.kind === 'tcp') {
    const p = port ?? spec.port;
    if (p === 0) throw new BridgeError('CONFIG_INVALID', 'port 0 means "embedded simulator": use --simulate or give a real port', { field: `links.${name}.transport.port`, actual: 0, limit: '1..65535' });
    return { ...spec, port: p };
  }
  return spec;
}

export async function connectRoom(cfg: LoadedConfig, clock: Clock, ports: PortOverrides = {}): Promise<RoomDrivers> {
  const l = cfg.bridge.links;
  const framed = (link: typeof l.mlc) => ({ clock, requestTimeoutMs: link.requestTimeoutMs, heartbeatMs: link.heartbeatMs, staleAfterMs: link.staleAfterMs });
  const mlcLink = await openReconnectingByteLink(withPort(l.mlc.transport, ports.mlc, 'mlc'), l.mlc.connectTimeoutMs);
  const beamLink = await openReconnectingByteLink(withPort(l.beam.transport, ports.beam, 'beam'), l.beam.connectTimeoutMs);
  const couchSpec: LinkSpec = ports.couchSerialPath ? { kind: 'serial', path: ports.couchSerialPath, baudRate: 115200 } : withPort(l.couch.transport, ports.couch, 'couch');
  const couch = await CouchDriver.connect({
    clock, transport: couchSpec, unitId: l.couch.unitId,
    connectTimeoutMs: l.couch.connectTimeoutMs, requestTimeoutMs: l.couch.requestTimeoutMs, pollMs: couchSpec.kind === 'serial' ? l.couch.rtuPollMs : l.couch.pollMs, heartbeatMs: l.couch.heartbeatMs, staleAfterMs: l.couch.staleAfterMs,
  });
  return { mlc: new MlcDriver(mlcLink, framed(l.mlc)), beam: new BeamDriver(beamLink, framed(l.beam)), couch };
}

export async function closeRoom(d: RoomDrivers): Promise<void> {
  await Promise.allSettled([d.mlc.close(), d.beam.close(), d.couch.close()]);
}
