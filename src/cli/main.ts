/**
 * The linac-bridge command line: the only layer besides the API that talks to people.
 * Exit codes (docs/cli.md): 0 complete, 1 not complete, 2 bad input or usage,
 * 70 internal error. Output is drained before the process exits.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { isBridgeError } from '../core/bridge-error.js';
import { PROJECT_ROOT } from '../core/project-root.js';
import { printable } from '../core/identifiers.js';
// Each command's module is imported inside its action, so `--version`, `--help` and a command
// load only what they use (docs/timing.md has the start-up figures; bench/startup.bench.ts).

/** Apply-level under the conventional action levels (3D 2.15 mm, 0.71°): a review-level one needs --physician. */
export const DEFAULT_SETUP_ERROR = '1.6,-1.2,0.8,0.4,-0.3,0.5';

export const EXIT = { complete: 0, notComplete: 1, badInput: 2, internal: 70 } as const;

const VERSION = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command('linac-bridge').description('Radiotherapy treatment-room device bridge');
  // before any subcommand is added, so they inherit it: usage errors throw (exit 2) instead of exiting 1
  program.exitOverride().version(VERSION, '-V, --version').option('-c, --config <file>', 'bridge config (default config/default.json)');
  program
    .command('simulate <plan>')
    .description('run one fraction of a step-and-shoot plan (JSON, or DICOM RT Plan with STATIC beams) end to end on the embedded simulators')
    .option('--json', 'print the fraction record as JSON')
    .option('--time-scale <x>', 'simulated physics runs x times faster than real time')
    .option('--setup-error <lat,long,vert,pitch,roll,yaw>', 'correction the simulated CBCT reports (mm, deg)', DEFAULT_SETUP_ERROR)
    .option('--operator <name>', 'operator recorded for approvals and beam-on', 'sim-therapist')
    .option('--physician <name>', 'the physician who approves a review-level correction (without it such a correction is not approved and the run stops)')
    .option('--timeout <ms>', 'give up after this long', '300000')
    .option('--max-resumes <n>', 'the simulated therapist presses RESUME after a beam hold at most n times (0: a hold ends the run)', '3')
    .option('--resume', 'continue an interrupted run of this fraction with only the remaining MU (needs --operator)')
    .option('--acknowledge-latched', "acknowledge (RESET) the interlocks latched when the room's last session ended in fault (needs --operator)")
    .option('--log-dir <dir>', 'write a TrueBeam-layout trajectory log and a JSON summary per beam here (sampled every 20 ms)')
    .option('--record <file|dir>', 'write the RT Beams Treatment Record (DICOM) here; default: beside the journal as <journal>.rtrecord.dcm')
    .action(async (plan: string, opts, cmd: Command) => exit(await (await import('./simulate-command.js')).simulateCommand(plan, { ...opts, operatorGiven: cmd.getOptionValueSource('operator') === 'cli', config: program.opts().config })));
  program
    .command('start')
    .description('start the bridge and keep running (logs state changes and link health)')
    .option('--simulate', 'with every device simulated in-process on loopback (otherwise: the devices links.*.transport name)')
    .option('--exit-after <ms>', 'stop after this long (for scripted checks)')
    .option('--diagnostics-stdin', 'with --simulate: read simulator diagnostics from stdin (door open|closed, estop pressed|released)')
    .option('--record <dir>', "write each fraction's RT Beams Treatment Record (DICOM) into this folder; default: the config's records.dir, else beside the journal")
    .action(async (opts) => exit(await (await import('./start-command.js')).startCommand({ ...opts, config: program.opts().config })));
  program
    .command('sim <device>')
    .description('run one simulator alone: mlc | beam | couch | imaging')
    .option('--port <n>', 'loopback TCP port (0 = any free port)', '0')
    .option('--pty', 'serve on a pseudo-terminal instead (mlc, beam; couch speaks Modbus RTU there)')
    .option('--time-scale <x>', 'physics speed-up')
    .option('--plan <plan>', 'imaging: registrations name this plan\'s patient, plan id and fraction')
    .option('--setup-error <lat,long,vert,pitch,roll,yaw>', 'imaging: the correction each registration reports (mm, deg)')
    .action(async (device: string, opts) => exit(await (await import('./sim-command.js')).simCommand(device, { ...opts, config: program.opts().config })));
  program
    .command('record')
    .description('treatment records (DICOM RT Beams Treatment Record; docs/treatment-record.md)')
    .command('from-journal <journal>')
    .description("write the treatment record of the fraction in a journal: a bridge killed mid-fraction (MU up to the last journaled linac readback), or a record that could not be written")
    .option('--out <file>', 'the record file (default: <journal>.rtrecord.dcm beside the journal; never replaced)')
    .option('--plan <file>', "the plan (JSON or DICOM RT Plan), for journals that do not carry it (simulate's)")
    .option('--json', 'print a JSON summary')
    .action(async (journal: string, opts) => exit(await (await import('./record-command.js')).recordFromJournalCommand(journal, { ...opts, config: program.opts().config })));
  const user = program.command('user').description('console users (a users file of scrypt hashes; no default account)');
  user
    .command('add <name>')
    .description('add a console user or replace their password and role; the password is read from stdin')
    .requiredOption('--role <role>', 'therapist | physician | physicist | service | viewer')
    .option('--users <file>', 'users file (default: bridge.console.usersFile beside the config)')
    .option('--password-stdin', 'read the password from stdin (the only way; accepted for scripts that say so)')
    .action(async (name: string, opts) => exit(await (await import('./user-command.js')).userAddCommand(name, { ...opts, config: program.opts().config })));
  const couch = program.command('couch').description('couch geometry and link tools');
  couch
    .command('correction')
    .description('couch target for a registration correction (mm, deg, IEC 61217; see docs/coordinates.md)')
    .requiredOption('--pose <lat,long,vert,pitch,roll,yaw>', 'present couch pose')
    .requiredOption('--shift <lat,long,vert,pitch,roll,yaw>', "the registration's correction about the isocentre, in --frame's axes")
    .requiredOption('--isocenter <x,y,z>', 'isocentre, room (IEC 61217 fixed) axes, mm')
    .option('--frame <room|tableTop>', "axes of --shift: room, or the table top's at --pose (omitted: refused while the couch is turned)")
    .option('--pivot <x,y,z>', 'room position of the couch\'s pivot at --pose (table-top pitch/roll pivot, or hexapod virtual pivot), mm (default: the couch model\'s, carried to --pose)')
    .option('--couch <model>', 'couch model id (default: the configured one)')
    .option('--protocol <name>', 'action-level table', 'conventional')
    .option('--json', 'print JSON')
    .action(async (opts) => exit((await import('./couch-command.js')).couchCorrectionCommand({ ...opts, config: program.opts().config })));
  couch
    .command('read')
    .description("read the couch's registers once with modbus-serial (a third-party Modbus client; read-only) and print pose and status")
    .option('--tcp <host:port>', 'Modbus TCP device or simulator')
    .option('--serial <path>', 'Modbus RTU device or pseudo-terminal')
    .option('--baud <n>', 'RTU baud rate', '115200')
    .option('--unit <id>', 'Modbus unit id', '1')
    .option('--timeout-ms <ms>', 'reply timeout', '1000')
    .option('--json', 'print JSON')
    .action(async (opts) => exit(await (await import('./couch-read-command.js')).couchReadCommand(opts)));
  const registration = program.command('registration').description('registration tools');
  registration
    .command('read <file>')
    .description('the couch correction a DICOM Spatial Registration (.dcm) or registration message (.json) gives, IEC 61217 table-top axes about the plan isocentre')
    .option('--plan <plan>', 'the plan (its isocenterLpsMm, frameOfReferenceUid, patientPosition, protocol)')
    .option('--isocenter-lps <x,y,z>', 'plan isocentre in DICOM patient coordinates (LPS), mm, instead of --plan')
    .option('--patient-position <pos>', 'HFS | FFS | HFP | FFP | HFDL | HFDR | FFDL | FFDR (with --isocenter-lps)')
    .option('--frame-uid <uid>', "the plan's Frame of Reference UID (with --isocenter-lps; default: the object's registered frame)")
    .option('--time-zone <iana>', 'zone for DICOM times without an offset (default: config registration.localTimeZone, else the host zone)')
    .option('--protocol <name>', 'action-level table (default: the plan\'s, else conventional)')
    .option('--json', 'print JSON')
    .action(async (file: string, opts) => exit((await import('./registration-command.js')).registrationReadCommand(file, { ...opts, config: program.opts().config })));
  program
    .command('sequence <map>')
    .description('sequence an integer fluence map (CSV, one row per leaf pair) into MLC segments or sliding-window control points')
    .option('--mlc <model>', 'MLC model id (default: the configured one)')
    .option('--method <name>', 'engel | improved | exact | sweep | sliding-window', 'improved')
    .option('--no-interdigitation', 'forbid interdigitation (interleaf collision constraint; method sweep)')
    .option('--tongue-groove', 'eliminate tongue-and-groove underdosage (method sweep)')
    .option('--json', 'print the result as one JSON object')
    .option('--dose-rate <MU/min>', 'dose rate', '600')
    .option('--bixel-mm <mm>', 'bixel width along leaf travel', '5')
    .option('--row-mm <mm>', 'height of a map row, mapped onto leaves by their boundaries (default: one row per leaf pair)')
    .option('--min-segment-mu <MU>', 'deliverability: smallest segment MU', '1')
    .option('--min-open-area-mm2 <mm2>', 'deliverability: smallest open area of a segment', '0')
    .option('--budget-work <n>', 'work for the segment-count search, in candidate rollouts (method improved; default 400; reproducible on any machine)')
    .option('--budget-ms <ms>', 'method exact only: wall-clock budget of the optimality proof (default 10000); refused for the other methods, whose search is bounded by --budget-work')
    .action(async (map: string, opts) => exit(await (await import('./sequence-command.js')).sequenceCommand(map, { ...opts, config: program.opts().config })));
  const plan = program.command('plan').description('treatment plan tools');
  plan
    .command('show <file>')
    .description('the normalised plan of a DICOM RT Plan (or JSON plan) and its checks against the configured machine (exit 1: not deliverable here)')
    .option('--json', 'print JSON')
    .option('--full', 'with every control point (JSON)')
    .action(async (file: string, opts) => exit((await import('./plan-command.js')).planShowCommand(file, { ...opts, config: program.opts().config })));
  program
    .command('log')
    .description('machine logs (TrueBeam trajectory logs, DynaLog A/B pairs)')
    .command('analyze <files...>')
    .description('leaf errors over beam-on, unheld snapshots (mm at isocentre), leaf lag, planned vs delivered fluence gamma')
    .option('--json', 'print JSON')
    .option('--gamma-dose <percent>', 'gamma dose criterion, % (default 1)')
    .option('--gamma-distance <mm>', 'gamma distance criterion, mm (default 1)')
    .option('--gamma-cutoff <percent>', 'points below this % of the planned maximum are not evaluated (default 10)')
    .option('--local', 'local dose difference (default global)')
    .option('--resolution <mm>', 'fluence pixel, mm at isocentre (default 0.5)')
    .action(async (files: string[], opts) => exit(await (await import('./log-command.js')).logAnalyzeCommand(files, opts)));
  program
    .command('margins <inputs...>')
    .description('setup-error statistics and van Herk CTV-to-PTV margins from journals or a CSV (patient,fraction,lateral_mm,longitudinal_mm,vertical_mm)')
    .option('--json', 'print JSON')
    .action(async (inputs: string[], opts) => exit((await import('./margins-command.js')).marginsCommand(inputs, { ...opts, config: program.opts().config })));
  const qa = program.command('qa').description('machine QA for physicists: checks, reports, history (docs/qa.md)');
  const collect = (v: string, all: string[]) => [...all, v];
  qa
    .command('run <check>')
    .description('run a QA check by name, or every daily or monthly check (docs/qa.md)')
    .option('--simulate', 'on the embedded simulators')
    .option('--inject <spec>', 'put a known fault into the simulators, e.g. couch.pitch.offsetDeg=0.3 (repeatable; docs/qa.md)', collect, [])
    .option('--report <dir>', 'write report.json and report.html there')
    .option('--operator <name>', 'the physicist recorded with the results (default: the login name)')
    .option('--machine <name>', 'machine name recorded with the results', 'simulated-linac')
    .option('--srs', 'SRS/SBRT tolerance rows')
    .option('--tolerances <file>', 'clinic tolerance table that tightens the defaults (repeatable)', collect, [])
    .option('--db <file>', 'results database (default: qa.sqlite in the journal folder, or LINAC_BRIDGE_QA_DB)')
    .option('--time-scale <x>', 'simulated physics runs x times faster than real time', '20')
    .option('--json', 'print report.json to stdout')
    .action(async (check: string, opts) => exit(await (await import('./qa/qa-command.js')).qaRunCommand(check, { ...opts, config: program.opts().config })));
  qa
    .command('history')
    .description('past QA runs, or one check\'s trend across runs')
    .option('--check <name>', 'the trend of one check')
    .option('--machine <name>', 'only this machine')
    .option('--db <file>', 'results database')
    .option('--json', 'print JSON')
    .action(async (opts) => exit((await import('./qa/qa-command.js')).qaHistoryCommand({ ...opts, config: program.opts().config })));
  return program;
}

let commandExitCode: number = EXIT.complete;

/** A command's result; main() exits with it once stdout and stderr are drained. */
function exit(code: number): void {
  commandExitCode = code;
}

/** Resolves when everything written so far has been handed to the OS (or the reader has gone). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write('', () => resolve());
  });
}

/** Expected errors (bad input, usage, a missing file, a port in use) print one line; only a bug prints a stack. */
function report(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.complete : EXIT.badInput; // commander printed it
  const sys = e as NodeJS.ErrnoException;
  if (isBridgeError(e) || (typeof sys?.code === 'string' && typeof sys.syscall === 'string')) {
    process.stderr.write(`linac-bridge: ${printable((e as Error).message)}\n`);
    return EXIT.badInput;
  }
  process.stderr.write(`linac-bridge: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  return EXIT.internal;
}

export async function main(argv: string[]): Promise<void> {
  // a reader that goes away (`| head`) ends the command quietly
  for (const s of [process.stdout, process.stderr]) s.on('error', (e: NodeJS.ErrnoException) => e.code === 'EPIPE' || report(e));
  let code: number;
  try {
    await buildProgram().parseAsync(argv);
    code = commandExitCode;
  } catch (e) {
    code = report(e);
  }
  process.exitCode = code;
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code); // serialport and sockets must not keep a finished command alive
}
