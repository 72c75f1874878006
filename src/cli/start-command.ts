/**
 * `linac-bridge start --simulate`: the bridge with embedded simulators, kept
 * running for a console: it serves the console API (api/start-console.ts,
 * docs/console-api.md) and logs state changes.
 * Registrations arrive from the simulator, HTTP/WebSocket, and the drop folder
 * when `registration.dropFolder` is configured.
 */
import path from 'node:path';
import type { Subscription } from 'rxjs';
import { watchDropFolder } from '../bridge/registration-sources/folder-source.js';
import { localTimeZone } from '../config/bridge-config.js';
import { journalDir, loadConfig } from '../config/load-config.js';
import { planGeometry } from '../domain/plan/plan.js';
import { BridgeError } from '../core/bridge-error.js';
import { stateName } from '../bridge/bridge-session.js';
import { RegistrationHttpSource } from '../bridge/registration-sources/http-source.js';
import { unfinishedRuns } from '../bridge/fraction-recovery.js';
import { carriedLatches } from '../bridge/latch-carryover.js';
import { safeStop } from '../bridge/safe-stop.js';
import { startEmbeddedRoom, waitForLinks, type EmbeddedRoom } from './embedded-room.js';
import { parseNumber } from './parse-args.js';
import { describeRun } from './recovery-report.js';
import { stopTriggers } from './shutdown-signal.js';
import { watchDiagnostics } from './simulator-diagnostics.js';
import { startConsole } from '../api/start-console.js';
import { systemClock } from '../core/clock.js';

export async function startCommand(o: { config?: string; simulate?: boolean; exitAfter?: string; diagnosticsStdin?: boolean }): Promise<number> {
  if (!o.simulate) {
    throw new BridgeError('INPUT_INVALID', 'only the embedded simulators are supported by `start` so far; real hardware links come with the console API', { field: '--simulate', limit: 'required' });
  }
  const exitAfterMs = o.exitAfter !== undefined ? parseNumber(o.exitAfter, '--exit-after', { min: 0, max: 2_147_483_647, integer: true, unit: 'ms' }) : undefined;
  const triggers = stopTriggers();
  const cfg = loadConfig(o.config);
  // recovery: every fraction whose latest run did not complete is reported before anything starts
  for (const run of unfinishedRuns(journalDir(cfg))) log(`unfinished fraction: ${describeRun(run)}`);
  // latched interlocks survive a restart: the session starts in fault until an operator RESET
  const carried = carriedLatches(journalDir(cfg));
  if (carried) log(`LATCHED: the last session in ${carried.journal} ended in fault (${carried.ids.join(', ') || carried.faultReason}); the session starts in fault until an operator RESET`);
  const embedded = await startEmbeddedRoom(cfg, { realtime: true, carriedLatches: carried, journalName: `bridge-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`, onRejected: (m) => log(`registration rejected: ${m}`) });
  await waitForLinks(embedded.session, 5000);
  const http = new RegistrationHttpSource();
  const httpPort = await http.listen(0, '127.0.0.1');
  embedded.session.attachRegistrationSource(http.candidates$);
  // a flood is shed at the edge; its summaries (not each request) go to the journal and the log
  http.shed$.subscribe((r) => {
    embedded.journal.append('rejection', { what: 'registration-load', ...r });
    log(`registrations shed for load: ${r.shed.rate} over the rate, ${r.shed['in-flight']} over the requests in progress (${r.admittedSinceLast} let in)`);
  });
  const p = embedded.room.ports;
  log(`bridge up; simulators on 127.0.0.1: mlc ${p.mlc}, beam ${p.beam}, couch (Modbus TCP) ${p.couch}, imaging ${p.imaging}`);
  log(`journal ${embedded.journal.file}`);
  log(`registrations: POST http://127.0.0.1:${httpPort}/registrations or ws://127.0.0.1:${httpPort}/registrations`);
  const folder = watchFolder(cfg, embedded.session);
  const stopDiagnostics = o.diagnosticsStdin ? watchDiagnostics(process.stdin, embedded.room.beam, (d) => embedded.session.note('operator', d), log) : undefined;
  const consoleApi = await startConsole(embedded.session, cfg, systemClock, log);
  let last = '';
  embedded.session.actor.subscribe((s) => {
    const name = stateName(s.value);
    if (name !== last) log(`state ${last || '(start)'} -> ${name}`);
    last = name;
  });
  for (const [name, d] of Object.entries(embedded.session.drivers)) d.health$.subscribe((h: { fresh: boolean }) => log(`link ${name} ${h.fresh ? 'fresh' : 'STALE'}`));
  const stop = await (exitAfterMs !== undefined ? Promise.race([triggers.requested, new Promise<undefined>((r) => setTimeout(r, exitAfterMs))]) : triggers.requested);
  const reason = stop?.reason ?? 'exit-after';
  log(`shutting down (${reason})`);
  folder?.unsubscribe();
  stopDiagnostics?.();
  await consoleApi.close();
  // a signal is how `start` is meant to end: exit 0 then; an internal error exits 70
  embedded.session.halt();
  const stopped = await safeStop(embedded.session.drivers, { append: (k, d) => embedded.session.note(k, d) }, reason);
  await http.close();
  await embedded.close({ reason, beamOff: stopped.beamOff, couchStill: stopped.couchStill, linacMu: stopped.beam && { beamId: stopped.beam.beamId, mu1: stopped.beam.mu1, mu2: stopped.beam.mu2 } });
  triggers.dispose();
  return stop && stop.exitCode === 70 ? 70 : 0;
}

/** The configured drop folder, read against the plan loaded when each file arrives; verdicts are logged. */
function watchFolder(cfg: ReturnType<typeof loadConfig>, session: EmbeddedRoom['session']): Subscription | undefined {
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

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()}  ${line}\n`);
}
