/**
 * `linac-bridge start`: the bridge kept running for a console: it serves the console API
 * (api/start-console.ts, docs/console-api.md) and logs state changes. `--simulate`: with embedded
 * simulators; otherwise on the devices the config's `links.*.transport` name
 * (docs/hil.md), each reported per link and retried until it answers.
 * Registrations arrive from the simulator, HTTP/WebSocket, and the drop folder
 * when `registration.dropFolder` is configured.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Subscription } from 'rxjs';
import { FractionRecorder } from '../bridge/fraction-recorder.js';
import { SESSION_CLOSED } from '../bridge/treatment-record-source.js';
import { watchDropFolder } from '../bridge/registration-sources/folder-source.js';
import { localTimeZone } from '../config/bridge-config.js';
import { journalDir, loadConfig, recordsDir } from '../config/load-config.js';
import { planGeometry } from '../domain/plan/plan.js';
import { stateName } from '../bridge/bridge-session.js';
import { RegistrationHttpSource } from '../bridge/registration-sources/http-source.js';
import { unfinishedRuns } from '../bridge/fraction-recovery.js';
import { carriedLatches } from '../bridge/latch-carryover.js';
import { safeStop } from '../bridge/safe-stop.js';
import type { Room } from '../bridge/room-assembly.js';
import { configuredLinks } from '../bridge/room-links.js';
import { watchStaleLinks } from '../bridge/room-readiness.js';
import { startRoom } from './start-room.js';
import { parseNumber } from './parse-args.js';
import { describeRun } from './recovery-report.js';
import { stopTriggers } from './shutdown-signal.js';
import { watchDiagnostics } from './simulator-diagnostics.js';
import { startConsole } from '../api/start-console.js';
import { BridgeError } from '../core/bridge-error.js';
import type { EmbeddedRoom } from './embedded-room.js';

/** A record still being written at shutdown is waited for this long at most, ms. */
const RECORD_CLOSE_BOUND_MS = 10_000;

export async function startCommand(o: { config?: string; simulate?: boolean; exitAfter?: string; diagnosticsStdin?: boolean; record?: string }): Promise<number> {
  if (o.diagnosticsStdin && !o.simulate) {
    throw new BridgeError('INPUT_INVALID', '--diagnostics-stdin works the switches of the embedded simulators: it needs --simulate', { field: '--diagnostics-stdin', limit: 'with --simulate' });
  }
  const exitAfterMs = o.exitAfter !== undefined ? parseNumber(o.exitAfter, '--exit-after', { min: 0, max: 2_147_483_647, integer: true, unit: 'ms' }) : undefined;
  const triggers = stopTriggers();
  const cfg = loadConfig(o.config);
  // without --simulate every link must name its device: refused before anything starts, naming the field
  const links = o.simulate ? undefined : configuredLinks(cfg);
  // recovery: every fraction whose latest run did not complete is reported before anything starts
  for (const run of unfinishedRuns(journalDir(cfg))) log(`unfinished fraction: ${describeRun(run)}`);
  // latched interlocks survive a restart: the session starts in fault until an operator RESET
  const carried = carriedLatches(journalDir(cfg));
  if (carried) log(`LATCHED: the last session in ${carried.journal} ended in fault (${carried.ids.join(', ') || carried.faultReason}); the session starts in fault until an operator RESET`);
  const { room: embedded, upLine } = await startRoom(cfg, links, { realtime: true, carriedLatches: carried, journalName: `bridge-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`, onRejected: (m) => log(`registration rejected: ${m}`) }, log);
  const http = new RegistrationHttpSource();
  const httpPort = await http.listen(0, '127.0.0.1');
  embedded.session.attachRegistrationSource(http.candidates$);
  // a flood is shed at the edge; its summaries (not each request) go to the journal and the log
  http.shed$.subscribe((r) => {
    embedded.journal.append('rejection', { what: 'registration-load', ...r });
    log(`registrations shed for load: ${r.shed.rate} over the rate, ${r.shed['in-flight']} over the requests in progress (${r.admittedSinceLast} let in)`);
  });
  log(upLine);
  log(`journal ${embedded.journal.file}`);
  // one RT Beams Treatment Record per fraction, written after it ends (docs/treatment-record.md)
  const recorder = new FractionRecorder(embedded.session, {
    dir: o.record !== undefined ? path.resolve(o.record) : recordsDir(cfg), journalFile: embedded.journal.file, config: cfg, log,
    manufacturer: o.simulate ? 'linac-bridge simulators' : 'linac-bridge',
  }).start();
  reportRecordsFolder(path.dirname(recorder.file), embedded.session);
  log(`registrations: POST http://127.0.0.1:${httpPort}/registrations or ws://127.0.0.1:${httpPort}/registrations`);
  const folder = watchFolder(cfg, embedded.session);
  const simRoom = 'room' in embedded ? (embedded as EmbeddedRoom).room : undefined;
  const stopDiagnostics = o.diagnosticsStdin && simRoom ? watchDiagnostics(process.stdin, simRoom.beam, (d) => embedded.session.note('operator', d), log) : undefined;
  const consoleApi = await startConsole(embedded.session, cfg, embedded.clock, log);
  let last = '';
  embedded.session.actor.subscribe((s) => {
    const name = stateName(s.value);
    if (name !== last) log(`state ${last || '(start)'} -> ${name}`);
    last = name;
  });
  for (const [name, d] of Object.entries(embedded.session.drivers)) d.health$.subscribe((h: { fresh: boolean }) => log(`link ${name} ${h.fresh ? 'fresh' : 'STALE'}`));
  const vetoes = watchStaleLinks(embedded.session, embedded.clock, (ids) => log(ids.length ? `beam-on vetoed: ${ids.join(', ')}` : 'no stale link vetoes beam-on'));
  const stop = await (exitAfterMs !== undefined ? Promise.race([triggers.requested, new Promise<undefined>((r) => setTimeout(r, exitAfterMs))]) : triggers.requested);
  const reason = stop?.reason ?? 'exit-after';
  log(`shutting down (${reason})`);
  folder?.unsubscribe();
  vetoes.stop();
  stopDiagnostics?.();
  await consoleApi.close();
  // a signal is how `start` is meant to end: exit 0 then; an internal error exits 70
  embedded.session.halt();
  const stopped = await safeStop(embedded.session.drivers, { append: (k, d) => embedded.session.note(k, d) }, reason);
  // a fraction still open is recorded as interrupted, after the safe stop and before the journal closes
  const signalled = reason === 'SIGINT' || reason === 'SIGTERM' || reason.startsWith('internal error');
  await Promise.race([recorder.close(signalled ? reason : `${SESSION_CLOSED} (${reason})`), new Promise((r) => setTimeout(r, RECORD_CLOSE_BOUND_MS).unref())]);
  await http.close();
  await embedded.close({ reason, beamOff: stopped.beamOff, couchStill: stopped.couchStill, linacMu: stopped.beam && { beamId: stopped.beam.beamId, mu1: stopped.beam.mu1, mu2: stopped.beam.mu2 } });
  triggers.dispose();
  return stop && stop.exitCode === 70 ? 70 : 0;
}

/** The configured drop folder, read against the plan loaded when each file arrives; verdicts are logged. */
function watchFolder(cfg: ReturnType<typeof loadConfig>, session: Room['session']): Subscription | undefined {
  const spec = cfg.bridge.registration.dropFolder;
  if (!spec) return undefined;
  const dir = path.resolve(path.dirname(cfg.file), spec.dir); // like journal.dir: relative to the config file
  const zone = localTimeZone(cfg.bridge);
  const context = () => {
    const plan = session.snapshot.context.plan;
    return plan && { planId: plan.planId, fraction: plan.fraction, geometry: planGeometry(plan), localTimeZone: zone };
  };
  log(`registrations: drop folder ${dir} (DICOM times without an offset read in ${zone})`);
  return watchDropFolder({ dir, pollMs: spec.pollMs, context }).subscribe((c) => {
    const r = session.submitRegistration(c.raw, c.source, c.refusal);
    log(r.ok ? `registration accepted from ${c.source}: ${r.registration.id}` : `registration rejected from ${c.source}: ${r.error.message}`);
  });
}

/** A records folder that is missing or not writable is said at start (and journaled); `start` runs on, each fraction's write reports its own failure. */
function reportRecordsFolder(dir: string, session: Room['session']): void {
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error('not a folder');
    fs.accessSync(dir, fs.constants.W_OK);
    log(`treatment records: ${dir}`);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    log(`WARNING: treatment records folder ${dir} is not usable (${reason}): records will not be written until it is`);
    session.note('session', { event: 'records-folder-unusable', dir, reason });
  }
}

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()}  ${line}\n`);
}
