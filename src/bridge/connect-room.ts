/** Opens the three device drivers from link specs (the config's, or the embedded simulators'). */
import type { LoadedConfig } from '../config/load-config.js';
import type { Clock } from '../core/clock.js';
import { BeamDriver } from '../drivers/beam-driver.js';
import { CouchDriver } from '../drivers/couch-driver.js';
import { MlcDriver } from '../drivers/mlc-driver.js';
import type { ByteLink, LinkSpec } from '../transport/byte-link.js';
import { openByteLink, openReconnectingByteLink } from '../transport/open-link.js';
import type { RoomDrivers } from './evidence-feed.js';
import { withPorts, type PortOverrides, type RoomLinkName, type RoomLinks } from './room-links.js';

export type { PortOverrides } from './room-links.js';

export interface OpenDriversOptions {
  /** 'fail' (default): every device must answer the first open; 'retry': a device not there starts stale and is retried. */
  readonly firstOpen?: 'fail' | 'retry';
  /** Opens one transport (default `openByteLink`); given the link's name so failures can be reported per link. */
  readonly open?: (name: RoomLinkName, spec: LinkSpec, connectTimeoutMs: number) => Promise<ByteLink>;
}

/** The drivers for `links`, timed by `clock`. */
export async function openDrivers(cfg: LoadedConfig, links: Pick<RoomLinks, 'mlc' | 'beam' | 'couch'>, clock: Clock, opts: OpenDriversOptions = {}): Promise<RoomDrivers> {
  const l = cfg.bridge.links;
  const open = (name: RoomLinkName) => (spec: LinkSpec, timeoutMs: number) => (opts.open ?? ((_n, s, t) => openByteLink(s, t)))(name, spec, timeoutMs);
  const framed = (link: typeof l.mlc) => ({ clock, requestTimeoutMs: link.requestTimeoutMs, heartbeatMs: link.heartbeatMs, staleAfterMs: link.staleAfterMs });
  const reconnecting = (name: 'mlc' | 'beam') => openReconnectingByteLink(links[name], l[name].connectTimeoutMs, { clock, firstOpen: opts.firstOpen, open: open(name) });
  const [mlcLink, beamLink] = [await reconnecting('mlc'), await reconnecting('beam')];
  const couchSpec = links.couch;
  const couch = await CouchDriver.connect({
    clock, transport: couchSpec, unitId: l.couch.unitId, openLink: open('couch'), retryFirstOpen: opts.firstOpen === 'retry',
    connectTimeoutMs: l.couch.connectTimeoutMs, requestTimeoutMs: l.couch.requestTimeoutMs, pollMs: couchSpec.kind === 'serial' ? l.couch.rtuPollMs : l.couch.pollMs, heartbeatMs: l.couch.heartbeatMs, staleAfterMs: l.couch.staleAfterMs,
  });
  return { mlc: new MlcDriver(mlcLink, framed(l.mlc), { model: cfg.mlc.id, leafPairs: cfg.mlc.leafPairs }), beam: new BeamDriver(beamLink, framed(l.beam)), couch };
}

/** The drivers for the configured links, with ports replaced for embedded simulators (port 0 without an override is refused). */
export function connectRoom(cfg: LoadedConfig, clock: Clock, ports: PortOverrides = {}): Promise<RoomDrivers> {
  return openDrivers(cfg, withPorts(cfg, ports), clock);
}

export async function closeRoom(d: RoomDrivers): Promise<void> {
  await Promise.allSettled([d.mlc.close(), d.beam.close(), d.couch.close()]);
}
