/**
 * A treatment room put together from a loaded config and where its devices
 * are: the drivers on their links, the session, the journal, the imaging (and
 * motion) streams feeding it, the loop-lag monitor; and `close()` in the
 * right order. The CLI, the tests and the console API call this; the devices
 * are either embedded simulators (the caller starts them and passes their
 * addresses, `firstOpen: 'fail'`) or configured links (`configuredLinks`,
 * `firstOpen: 'retry'`: a device not there is reported per link and retried,
 * and the session keeps beam-on vetoed on its stale link meanwhile).
 */
import path from 'node:path';
import type { Subscription } from 'rxjs';
import { journalDir, type LoadedConfig } from '../config/load-config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { printable } from '../core/identifiers.js';
import { registrationMessages } from '../drivers/imaging-link.js';
import { motionSamples } from '../drivers/motion-link.js';
import { Journal } from '../journal/journal.js';
import { raiseLoopPriority } from '../kernels/scheduling.js';
import { describeLink, type ByteLink } from '../transport/byte-link.js';
import { openByteLink, openReconnectingByteLink } from '../transport/open-link.js';
import { BridgeSession, type BridgeSessionOptions } from './bridge-session.js';
import { closeRoom, openDrivers } from './connect-room.js';
import { LinkReporter, reportRecord, type LinkReport } from './link-reports.js';
import { LoopLagMonitor } from './loop-lag-monitor.js';
import { RejectionSummary } from './rejection-summary.js';
import { nextRoomOrdinal } from './room-ordinal.js';
import type { RoomLinks } from './room-links.js';
import { heartbeatMarginMs } from './room-readiness.js';

export interface RoomOptions {
  readonly links: RoomLinks;
  /** File name of this session's journal in the config's journal folder. */
  readonly journalName: string;
  /** 'fail' (default): every device must open now; 'retry': a device not there starts stale, is reported and retried. */
  readonly firstOpen?: 'fail' | 'retry';
  readonly clock?: Clock;
  /** Each change of a link's transport (connected, unreachable and why); also journaled. Only with firstOpen 'retry'. */
  readonly onLinkReport?: (r: LinkReport) => void;
  readonly onRejected?: (msg: string) => void;
  /** The `source` registrations from the imaging link are journaled with (default 'imaging'). */
  readonly imagingSource?: string;
  /** Run the event loop's thread at real-time priority when allowed (the CLI does; tests do not). */
  readonly realtime?: boolean;
  /** Latches carried from an earlier journal of this room: the session starts in fault. */
  readonly carriedLatches?: BridgeSessionOptions['carriedLatches'];
  /** Stops the devices after the drivers have closed (the embedded simulators). */
  readonly closeDevices?: () => Promise<void>;
}

export interface Room {
  readonly session: BridgeSession;
  readonly journal: Journal;
  readonly links: RoomLinks;
  readonly clock: Clock;
  /** Ends the session (journaling `session stop` with `stopDetail`), then the drivers and the devices. */
  close(stopDetail?: object): Promise<void>;
}

export async function assembleRoom(cfg: LoadedConfig, opts: RoomOptions): Promise<Room> {
  const clock = opts.clock ?? systemClock;
  const retry = opts.firstOpen === 'retry';
  const reporter = retry ? new LinkReporter(opts.onLinkReport) : undefined;
  const drivers = await openDrivers(cfg, opts.links, clock, { firstOpen: opts.firstOpen, open: reporter?.open });
  for (const name of ['mlc', 'beam', 'couch'] as const) reporter?.watchIdentity(name, describeLink(opts.links[name]), drivers[name].events$);
  const roomOrdinal = nextRoomOrdinal(journalDir(cfg)); // before this session's journal exists
  const journal = Journal.open(path.join(journalDir(cfg), opts.journalName), cfg.bridge.journal.fsync);
  const session = new BridgeSession(drivers, cfg, journal, clock, { carriedLatches: opts.carriedLatches, roomOrdinal });
  const lag = new LoopLagMonitor((r) => journal.append('loop-lag', { event: r.warning ? 'lag-warning' : 'period', ...r }), { warnAboveMs: heartbeatMarginMs(cfg) });
  lag.start();
  if (opts.realtime) journal.append('loop-lag', { event: 'scheduling', ...raiseLoopPriority() });
  const streamTimeoutMs = cfg.bridge.links.imaging?.connectTimeoutMs ?? cfg.bridge.links.mlc.connectTimeoutMs;
  const imaging = opts.links.imaging && (retry ? keepOpen(await openReconnectingByteLink(opts.links.imaging, streamTimeoutMs, { clock, firstOpen: 'retry', open: (s, t) => reporter!.open('imaging', s, t) })) : await openByteLink(opts.links.imaging, streamTimeoutMs));
  const source = opts.imagingSource ?? 'imaging';
  // garbage on the link is printed rate-limited (each line is still journaled); a registration that parses but is refused, each time
  const garbage = new RejectionSummary((line) => opts.onRejected?.(line), clock);
  const sub: Subscription | undefined = imaging && registrationMessages(imaging).subscribe((m) => {
    const r = m.ok
      ? session.submitRegistration(m.value, source)
      : m.refusal
        ? session.submitRegistration({ refused: m.refusal.field, actual: m.refusal.actual }, source, m.refusal)
        : session.submitRegistration({ unparseable: m.line.slice(0, 256), reason: 'line is not JSON' }, source);
    if (r.ok) return;
    const msg = printable(r.error.message); // untrusted text in the message must not drive the terminal
    if (m.ok) opts.onRejected?.(msg);
    else garbage.reject(msg);
  });
  if (opts.links.motion) session.attachMotionStream(motionSamples(await openByteLink(opts.links.motion, streamTimeoutMs), clock));
  session.start();
  reporter?.journalTo((r) => session.note('device-event', reportRecord(r)));
  return {
    session, journal, clock, links: opts.links,
    async close(stopDetail?: object) {
      sub?.unsubscribe();
      garbage.flush();
      lag.stop();
      session.stop(stopDetail);
      await closeRoom(drivers);
      await opts.closeDevices?.();
      // a command still in flight fails when its link closes: journal that result before closing
      const l = cfg.bridge.links;
      await session.commandsSettled(2 * Math.max(l.mlc.requestTimeoutMs, l.beam.requestTimeoutMs, l.couch.requestTimeoutMs));
      journal.close();
    },
  };
}

/** A reconnecting stream seen as one endless stream: a drop is not its end (the registration reader completes on close). */
function keepOpen(link: ByteLink): ByteLink {
  return {
    get endpoint() {
      return link.endpoint;
    },
    get isOpen() {
      return link.isOpen;
    },
    write: (b) => link.write(b),
    onData: (h) => link.onData(h),
    onClose: () => undefined,
    close: () => link.close(),
  };
}
