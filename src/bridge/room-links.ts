/**
 * Where the room's devices are: the link specs the drivers open. From the
 * config (`start --config`: every link must name a real address) or from the
 * embedded simulators' ports (`--simulate`, `simulate`).
 */
import path from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import { BridgeError } from '../core/bridge-error.js';
import type { LinkSpec } from '../transport/byte-link.js';

export interface RoomLinks {
  readonly mlc: LinkSpec;
  readonly beam: LinkSpec;
  /** Modbus TCP (`tcp`) or Modbus RTU (`serial`). */
  readonly couch: LinkSpec;
  /** CBCT registration results as NDJSON. */
  readonly imaging?: LinkSpec;
  /** Intrafraction motion samples as NDJSON (embedded simulators only, so far). */
  readonly motion?: LinkSpec;
}

export const ROOM_LINK_NAMES = ['mlc', 'beam', 'couch', 'imaging'] as const;
export type RoomLinkName = (typeof ROOM_LINK_NAMES)[number];

export interface PortOverrides {
  readonly mlc?: number;
  readonly beam?: number;
  readonly couch?: number;
  /** Replaces the couch transport (e.g. Modbus RTU on a pseudo-terminal). */
  readonly couchSerialPath?: string;
}

/** A configured transport that names a device: port 0 (the embedded default) does not. */
function named(spec: LinkSpec | undefined, name: RoomLinkName): LinkSpec {
  if (!spec) throw new BridgeError('CONFIG_INVALID', 'no transport configured: name the device (tcp host/port or serial path/baudRate), or run with --simulate', { field: `links.${name}.transport`, limit: 'tcp | serial' });
  if (spec.kind === 'tcp' && spec.port === 0) {
    throw new BridgeError('CONFIG_INVALID', 'port 0 means "embedded simulator": use --simulate or give a real port', { field: `links.${name}.transport.port`, actual: 0, limit: '1..65535' });
  }
  return spec;
}

/** The links `start --config` opens: all four must name a device, or the config is refused naming the field. */
export function configuredLinks(cfg: LoadedConfig): RoomLinks {
  const l = cfg.bridge.links;
  const links = { mlc: named(l.mlc.transport, 'mlc'), beam: named(l.beam.transport, 'beam'), couch: named(l.couch.transport, 'couch'), imaging: named(l.imaging?.transport, 'imaging') };
  distinctAddresses(links);
  return links;
}

const address = (s: LinkSpec): string => (s.kind === 'tcp' ? `tcp://${s.host.toLowerCase()}:${s.port}` : `serial:${path.resolve(s.path)}`);

/**
 * Two links at one address are refused: a device that answers another link's heartbeat would
 * show that link connected and fresh while it talks to the wrong device (the MLC simulator
 * answers the beam link's heartbeat). Names as written are compared (`localhost` and
 * `127.0.0.1` are not resolved).
 */
function distinctAddresses(links: Readonly<Record<RoomLinkName, LinkSpec>>): void {
  const seen = new Map<string, RoomLinkName>();
  for (const name of ROOM_LINK_NAMES) {
    const a = address(links[name]);
    const other = seen.get(a);
    if (other) throw new BridgeError('CONFIG_INVALID', `the same address as links.${other}: each link needs its own device`, { field: `links.${name}.transport`, actual: a, limit: `an address no other link uses` });
    seen.set(a, name);
  }
}

/** The configured device links with ports replaced (embedded simulators); a port 0 left over is refused. */
export function withPorts(cfg: LoadedConfig, ports: PortOverrides): Pick<RoomLinks, 'mlc' | 'beam' | 'couch'> {
  const l = cfg.bridge.links;
  const port = (spec: LinkSpec, p: number | undefined, name: RoomLinkName): LinkSpec => named(spec.kind === 'tcp' && p !== undefined ? { ...spec, port: p } : spec, name);
  return {
    mlc: port(l.mlc.transport, ports.mlc, 'mlc'),
    beam: port(l.beam.transport, ports.beam, 'beam'),
    couch: ports.couchSerialPath ? { kind: 'serial', path: ports.couchSerialPath, baudRate: 115200 } : port(l.couch.transport, ports.couch, 'couch'),
  };
}
