/**
 * `linac-bridge start --simulate`: the bridge with embedded simulators, kept
 * running for a console (the console API is later work: state changes are logged).
 */
import { loadConfig } from '../config/load-config.js';
import { BridgeError } from '../core/bridge-error.js';
import { stateName } from '../bridge/bridge-session.js';
import { RegistrationHttpSource } from '../bridge/registration-sources/http-source.js';
import { unfinishedRuns } from '../bridge/fraction-recovery.js';
import { safeStop } from '../bridge/safe-stop.js';
import { startEmbeddedRoom, waitForLinks } from './embedded-room.js';
import { describeRun } from './recovery-report.js';
import { stopTriggers } from './shutdown-signal.js';

export async function startCommand(o: { config?: string; simulate?: boolean; exitAfter?: string }): Promise<number> {
  if (!o.simulate) {
    throw new BridgeError('INPUT_INVALID', 'only the embedded simulators are supported by `start` so far; real hardware links come with the console API', { field: '--simulate', limit: 'required' });
  }
  const triggers = stopTriggers();
  const cfg = loadConfig(o.config);
  // recovery: every fraction whose latest run did not complete is reported before anything starts
  for (const run of unfinishedRuns(cfg.bridge.journal.dir)) log(`unfinished fraction: ${describeRun(run)}`);
  const embedded = await startEmbeddedRoom(cfg, { journalName: `bridge-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`, onRejected: (m) => log(`registration rejected: ${m}`) });
  await waitForLinks(embedded.session, 5000);
  const http = new RegistrationHttpSource();
  const httpPort = await http.listen(0, '127.0.0.1');
  embedded.session.attachRegistrationSource(http.candidates$);
  const p = embedded.room.ports;
  log(`bridge up; simulators on 127.0.0.1: mlc ${p.mlc}, beam ${p.beam}, couch (Modbus TCP) ${p.couch}, imaging ${p.imaging}`);
  log(`journal ${embedded.journal.file}`);
  log(`registrations: POST http://127.0.0.1:${httpPort}/registrations or ws://127.0.0.1:${httpPort}/registrations`);
  let last = '';
  embedded.session.actor.subscribe((s) => {
    const name = stateName(s.value);
    if (name !== last) log(`state ${last || '(start)'} -> ${name}`);
    last = name;
  });
  for (const [name, d] of Object.entries(embedded.session.drivers)) d.health$.subscribe((h: { fresh: boolean }) => log(`link ${name} ${h.fresh ? 'fresh' : 'STALE'}`));
  const stop = await (o.exitAfter ? Promise.race([triggers.requested, new Promise<undefined>((r) => setTimeout(r, Number(o.exitAfter)))]) : triggers.requested);
  const reason = stop?.reason ?? 'exit-after';
  log(`shutting down (${reason})`);
  // a signal is how `start` is meant to end: exit 0 then; an internal error exits 70
  embedded.session.halt();
  const stopped = await safeStop(embedded.session.drivers, { append: (k, d) => embedded.session.note(k, d) }, reason);
  await http.close();
  await embedded.close({ reason, beamOff: stopped.beamOff, couchStill: stopped.couchStill, linacMu: stopped.beam && { beamId: stopped.beam.beamId, mu1: stopped.beam.mu1, mu2: stopped.beam.mu2 } });
  triggers.dispose();
  return stop && stop.exitCode === 70 ? 70 : 0;
}

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()}  ${line}\n`);
}
