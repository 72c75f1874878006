/**
 * The room for fault injection: the simulators on loopback (or an MLC
 * simulator in its own process), optional wire-fault proxies in front of the
 * framed links, the real drivers and bridge session, a journal whose file
 * operations the scenario may break, and a watch on the simulated linac.
 * Assembled as `src/cli/embedded-room.ts` does, with these seams added.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Subscription } from 'rxjs';
import { SimRoom } from '../../simulators/sim-room.js';
import { BridgeSession, stateName } from '../../src/bridge/bridge-session.js';
import { closeRoom, connectRoom } from '../../src/bridge/connect-room.js';
import { waitForLinks } from '../../src/cli/embedded-room.js';
import { simOptionsFrom } from '../../src/cli/sim-options.js';
import type { LoadedConfig } from '../../src/config/load-config.js';
import { systemClock } from '../../src/core/clock.js';
import { registrationMessages } from '../../src/drivers/imaging-link.js';
import { Journal, readJournal, type JournalIo, type JournalKind, type JournalSink } from '../../src/journal/journal.js';
import { openPtyPair } from '../../src/kernels/pty.js';
import { openTcpLink } from '../../src/transport/tcp-link.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { SafetyWatch } from './fault-watch.js';
import { testConfig } from './sim-fixtures.js';

export interface FaultRoomOptions {
  /** The journal's file operations (a disk that fills). */
  readonly io?: JournalIo;
  /** Put a wire-fault proxy in front of these framed links. */
  readonly proxied?: ReadonlyArray<'mlc' | 'beam'>;
  /** Use an MLC simulator already listening on this port (its own process) instead of the room's. */
  readonly mlcPort?: number;
  readonly timeScale?: number;
  /** Changes to the bridge config (a copy) before the room starts. */
  readonly patch?: (bridge: any) => void;
  /** The couch model's settle time, ms (benches shorten it). */
  readonly couchSettleMs?: number;
  /** The couch over Modbus TCP (default) or Modbus RTU on a pseudo-terminal. */
  readonly couchLink?: 'tcp' | 'rtu';
  /** The session's tick, ms (default 20, as the bridge runs). */
  readonly tickMs?: number;
}

export interface FaultRoom {
  readonly room: SimRoom;
  readonly session: BridgeSession;
  readonly journal: Journal;
  readonly config: LoadedConfig;
  readonly proxies: { mlc?: FaultProxy; beam?: FaultProxy };
  readonly watch: SafetyWatch;
  readonly state: () => string;
  /** Records the session handed to the journal (the journal's own notes not included). */
  readonly appended: () => number;
  close(): Promise<void>;
}

/** The session's interlocks as the watch reads them: hold causes, latched faults, or a hold/fault state. */
export function interlockActive(session: BridgeSession): boolean {
  const s = session.snapshot;
  const name = stateName(s.value);
  return s.context.holdCauses.length > 0 || s.context.latchedFaults.length > 0 || name === 'beamHold' || name === 'fault';
}

export async function startFaultRoom(opts: FaultRoomOptions = {}): Promise<FaultRoom> {
  const bridge = structuredClone(testConfig.bridge) as any;
  opts.patch?.(bridge);
  const couch = opts.couchSettleMs === undefined ? testConfig.couch : { ...testConfig.couch, inPosition: { ...testConfig.couch.inPosition, settleMs: opts.couchSettleMs } };
  const config: LoadedConfig = { ...testConfig, bridge, couch };
  const room = new SimRoom(simOptionsFrom(config, opts.timeScale ?? 5));
  const ports = await room.start();
  const proxies: FaultRoom['proxies'] = {};
  for (const link of opts.proxied ?? []) proxies[link] = await startFaultProxy(link === 'mlc' ? (opts.mlcPort ?? ports.mlc) : ports.beam);
  const pty = opts.couchLink === 'rtu' ? openPtyPair() : undefined;
  if (pty) room.couchRtuHost.host.attach(pty.master);
  const drivers = await connectRoom(config, systemClock, { ...ports, mlc: proxies.mlc?.port ?? opts.mlcPort ?? ports.mlc, beam: proxies.beam?.port ?? ports.beam, couchSerialPath: pty?.slavePath });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-faults-')), 'j.jsonl');
  const journal = Journal.open(file, { fsync: false, io: opts.io });
  let count = 0;
  const sink: JournalSink = {
    append: (kind: JournalKind, data: unknown) => {
      count++;
      journal.append(kind, data);
    },
    status: () => journal.status(),
    flush: () => journal.flush(),
  };
  const session = new BridgeSession(drivers, config, sink, systemClock, { tickMs: opts.tickMs });
  const imaging = await openTcpLink('127.0.0.1', ports.imaging, 2000);
  const sub: Subscription = registrationMessages(imaging).subscribe((m) => m.ok && session.submitRegistration(m.value, 'sim'));
  session.start();
  await waitForLinks(session, 5000);
  const watch = new SafetyWatch(room.beam, () => interlockActive(session));
  return {
    room, session, journal, config, proxies, watch,
    state: () => stateName(session.snapshot.value),
    appended: () => count,
    async close() {
      sub.unsubscribe();
      session.stop();
      await closeRoom(drivers);
      await imaging.close();
      await Promise.all(Object.values(proxies).map((p) => p.close()));
      await room.stop();
      pty?.close();
      // commands still in flight end within their request timeout, and the session journals their results
      const l = config.bridge.links;
      await new Promise((r) => setTimeout(r, Math.max(l.mlc.requestTimeoutMs, l.beam.requestTimeoutMs, l.couch.requestTimeoutMs) + 100));
      journal.close();
    },
  };
}

/**
 * Records lost from a journal file: sequence gaps, corrupt lines and a torn
 * tail as read back, plus records the writer reports dropped; with `expected`
 * (records handed to it), any shortfall of what was read back.
 */
export function journalLoss(file: string, opts: { expected?: number; writerLost?: number } = {}): { lost: number; detail: string } {
  const { entries, corruptLines, tornTail } = readJournal(file);
  const seqs = entries.map((e) => e.seq);
  let gaps = seqs.length ? seqs[0] - 1 : 0;
  for (let i = 1; i < seqs.length; i++) gaps += Math.max(0, seqs[i] - seqs[i - 1] - 1) + (seqs[i] <= seqs[i - 1] ? 1 : 0);
  const damaged = gaps + corruptLines.length + (tornTail ? 1 : 0) + (opts.writerLost ?? 0);
  const readBack = entries.filter((e) => e.kind !== 'journal').length;
  const shortfall = opts.expected === undefined ? 0 : Math.max(0, opts.expected - readBack);
  const detail = `journal ${file}: ${gaps} seq gaps, ${corruptLines.length} corrupt lines, torn tail ${tornTail}, writer lost ${opts.writerLost ?? 0}, ${readBack} read back of ${opts.expected ?? '?'} handed over`;
  return { lost: Math.max(damaged, shortfall), detail };
}

export const lostRecords = (file: string, opts: { expected?: number; writerLost?: number } = {}): number => journalLoss(file, opts).lost;
