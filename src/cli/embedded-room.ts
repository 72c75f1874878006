/**
 * The embedded default: every simulator in-process on loopback, the drivers
 * connected to them over TCP, the imaging link feeding the session, and a
 * journal on disk.
 */
import path from 'node:path';
import type { Subscription } from 'rxjs';
import { SimRoom } from '../../simulators/sim-room.js';
import { BridgeSession, type BridgeSessionOptions } from '../bridge/bridge-session.js';
import { closeRoom, connectRoom } from '../bridge/connect-room.js';
import { simOptionsFrom } from './sim-options.js';
import { journalDir, type LoadedConfig } from '../config/load-config.js';
import { systemClock } from '../core/clock.js';
import { printable } from '../core/identifiers.js';
import { registrationMessages } from '../drivers/imaging-link.js';
import { motionSamples } from '../drivers/motion-link.js';
import { Journal } from '../journal/journal.js';
import { openTcpLink } from '../transport/tcp-link.js';
import { openPtyPair, type PtyPair } from '../kernels/pty.js';
import { LoopLagMonitor } from '../bridge/loop-lag-monitor.js';
import { raiseLoopPriority } from '../kernels/scheduling.js';

export interface EmbeddedRoom {
  readonly room: SimRoom;
  readonly session: BridgeSession;
  readonly journal: Journal;
  /** Ends the session (journaling `session stop` with `stopDetail`), then the drivers and simulators. */
  close(stopDetail?: object): Promise<void>;
}

export interface EmbeddedRoomOptions {
  readonly timeScale?: number;
  readonly journalName: string;
  readonly onRejected?: (msg: string) => void;
  /** The couch over Modbus TCP (default) or Modbus RTU on a pseudo-terminal. */
  readonly couchLink?: 'tcp' | 'rtu';
  /** Run the event loop's thread at real-time priority when allowed (the CLI does; tests do not). */
  readonly realtime?: boolean;
  /** Latches carried from an earlier journal of this room: the session starts in fault. */
  readonly carriedLatches?: BridgeSessionOptions['carriedLatches'];
}

export async function startEmbeddedRoom(cfg: LoadedConfig, opts: EmbeddedRoomOptions): Promise<EmbeddedRoom> {
  const room = new SimRoom(simOptionsFrom(cfg, opts.timeScale));
  const ports = await room.start();
  let pty: PtyPair | undefined;
  if (opts.couchLink === 'rtu') {
    pty = openPtyPair();
    room.couchRtuHost.host.attach(pty.master);
  }
  const drivers = await connectRoom(cfg, systemClock, { ...ports, couchSerialPath: pty?.slavePath });
  const journal = Journal.open(path.join(journalDir(cfg), opts.journalName), cfg.bridge.journal.fsync);
  const session = new BridgeSession(drivers, cfg, journal, systemClock, { carriedLatches: opts.carriedLatches });
  const lag = new LoopLagMonitor((r) => journal.append('loop-lag', { event: r.warning ? 'lag-warning' : 'period', ...r }), { warnAboveMs: heartbeatMarginMs(cfg) });
  lag.start();
  if (opts.realtime) journal.append('loop-lag', { event: 'scheduling', ...raiseLoopPriority() });
  const imagingLink = await openTcpLink('127.0.0.1', ports.imaging, cfg.bridge.links.mlc.connectTimeoutMs);
  const sub: Subscription = registrationMessages(imagingLink).subscribe((m) => {
    const r = m.ok
      ? session.submitRegistration(m.value, 'sim')
      : m.refusal
        ? session.submitRegistration({ refused: m.refusal.field, actual: m.refusal.actual }, 'sim', m.refusal)
        : session.submitRegistration({ unparseable: m.line.slice(0, 256), reason: 'line is not JSON' }, 'sim');
    if (!r.ok) opts.onRejected?.(printable(r.error.message)); // untrusted text in the message must not drive the terminal
  });
  session.attachMotionStream(motionSamples(await openTcpLink('127.0.0.1', ports.motion, cfg.bridge.links.mlc.connectTimeoutMs), systemClock));
  session.start();
  return {
    room, session, journal,
    async close(stopDetail?: object) {
      sub.unsubscribe();
      lag.stop();
      session.stop(stopDetail);
      await closeRoom(drivers);
      await room.stop();
      pty?.close();
      // a command still in flight fails when its link closes: journal that result before closing
      await session.commandsSettled(2 * Math.max(cfg.bridge.links.mlc.requestTimeoutMs, cfg.bridge.links.beam.requestTimeoutMs, cfg.bridge.links.couch.requestTimeoutMs));
      journal.close();
    },
  };
}

/** The smallest margin between a link's heartbeat and its stale limit: a loop delay above it can make a link stale, ms. */
export function heartbeatMarginMs(cfg: LoadedConfig): number {
  const l = cfg.bridge.links;
  return Math.min(l.mlc.staleAfterMs - l.mlc.heartbeatMs, l.beam.staleAfterMs - l.beam.heartbeatMs, l.couch.staleAfterMs - l.couch.heartbeatMs);
}

/** Resolves when every device link has reported at least once (or rejects after timeoutMs). */
export async function waitForLinks(session: BridgeSession, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  const d = session.drivers;
  while (!(d.mlc.isFresh() && d.beam.isFresh() && d.couch.isFresh() && d.mlc.latest && d.couch.latest && d.beam.latest)) {
    if (performance.now() > end) throw new Error(`device links not fresh after ${timeoutMs} ms (mlc ${d.mlc.isFresh()}, beam ${d.beam.isFresh()}, couch ${d.couch.isFresh()})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
