/**
 * The embedded room (simulators on loopback, real drivers and transports)
 * with a journal the test builds itself, e.g. on a disk that fills up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SimRoom } from '../../simulators/sim-room.js';
import { BridgeSession } from '../../src/bridge/bridge-session.js';
import { closeRoom, connectRoom } from '../../src/bridge/connect-room.js';
import { waitForLinks } from '../../src/cli/embedded-room.js';
import { simOptionsFrom } from '../../src/cli/sim-options.js';
import { systemClock } from '../../src/core/clock.js';
import { registrationMessages } from '../../src/drivers/imaging-link.js';
import { Journal, type JournalIo, type JournalKind, type JournalSink } from '../../src/journal/journal.js';
import { openTcpLink } from '../../src/transport/tcp-link.js';
import { testConfig } from './sim-fixtures.js';

export interface RoomWithJournal {
  readonly room: SimRoom;
  readonly session: BridgeSession;
  readonly journal: Journal;
  close(): Promise<void>;
}

/** Real file operations with a switch that makes writes fail as a full disk does (ENOSPC). */
export function diskThatFills(): JournalIo & { full: boolean } {
  const io = {
    full: false,
    writeSync(fd: number, data: Uint8Array): number {
      if (io.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return fs.writeSync(fd, data);
    },
    fsyncSync: (fd: number) => fs.fsyncSync(fd),
    ftruncateSync: (fd: number, len: number) => fs.ftruncateSync(fd, len),
  };
  return io;
}

/** A sink that throws ENOSPC from append while `full` (as a journal without buffering would). */
export function throwingSink(inner: JournalSink): JournalSink & { full: boolean } {
  const sink = {
    full: false,
    append(kind: JournalKind, data: unknown): void {
      if (sink.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      inner.append(kind, data);
    },
  };
  return sink;
}

export async function startRoomWithJournal(io?: JournalIo, wrap: (j: Journal) => JournalSink = (j) => j): Promise<RoomWithJournal> {
  const cfg = testConfig;
  const room = new SimRoom(simOptionsFrom(cfg, 5));
  const ports = await room.start();
  const drivers = await connectRoom(cfg, systemClock, ports);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-enospc-')), 'j.jsonl');
  const journal = io ? Journal.open(file, { fsync: true, io }) : Journal.open(file, true);
  const session = new BridgeSession(drivers, cfg, wrap(journal), systemClock);
  const imaging = await openTcpLink('127.0.0.1', ports.imaging, 2000);
  const sub = registrationMessages(imaging).subscribe((m) => m.ok && session.submitRegistration(m.value, 'sim'));
  session.start();
  await waitForLinks(session, 3000);
  return {
    room, session, journal,
    async close() {
      sub.unsubscribe();
      session.stop();
      await closeRoom(drivers);
      await room.stop();
      journal.close();
    },
  };
}
