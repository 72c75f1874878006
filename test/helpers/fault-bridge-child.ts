/**
 * The bridge as its own process, for the scenarios that pause (SIGSTOP) or
 * kill (SIGKILL) it mid-beam: connects to simulators the parent runs, journals
 * to the given file, approves the registration the parent publishes and turns
 * the beam on. Prints `state <name>` on every state change, and
 * `appended <n>` (records handed to the journal) when told to stop (SIGTERM).
 *
 *   node --import tsx test/helpers/fault-bridge-child.ts '{"mlc":…,"beam":…,"couch":…,"imaging":…,"journal":"…"}'
 */
import { BridgeSession, stateName } from '../../src/bridge/bridge-session.js';
import { closeRoom, connectRoom } from '../../src/bridge/connect-room.js';
import { waitForLinks } from '../../src/cli/embedded-room.js';
import { systemClock } from '../../src/core/clock.js';
import { registrationMessages } from '../../src/drivers/imaging-link.js';
import { Journal, type JournalKind } from '../../src/journal/journal.js';
import { openTcpLink } from '../../src/transport/tcp-link.js';
import { longPlan } from './fault-scenario.js';
import { testConfig } from './sim-fixtures.js';

const args = JSON.parse(process.argv[2]) as { mlc: number; beam: number; couch: number; imaging: number; journal: string };
const drivers = await connectRoom(testConfig, systemClock, args);
const journal = Journal.open(args.journal, true);
let appended = 0;
const session = new BridgeSession(drivers, testConfig, {
  append: (kind: JournalKind, data: unknown) => {
    appended++;
    journal.append(kind, data);
  },
  status: () => journal.status(),
  flush: () => journal.flush(),
}, systemClock);
const imaging = await openTcpLink('127.0.0.1', args.imaging, 2000);
registrationMessages(imaging).subscribe((m) => m.ok && session.submitRegistration(m.value, 'sim'));
let last = '';
session.actor.subscribe((s) => {
  const name = stateName(s.value);
  if (name === last) return;
  last = name;
  process.stdout.write(`state ${name}\n`);
  if (name === 'setup.awaitingApproval') queueMicrotask(() => session.approve(s.context.pending!.registration.id, { user: 'faults', role: 'therapist' }));
  if (name === 'ready') queueMicrotask(() => session.send({ type: 'BEAM_ON', operator: 'faults' }));
});
session.start();
await waitForLinks(session, 5000);
session.loadPlan(longPlan);

process.once('SIGTERM', () => {
  session.stop();
  void closeRoom(drivers).finally(async () => {
    await imaging.close();
    journal.close();
    process.stdout.write(`appended ${appended}\n`, () => process.exit(0));
  });
});
