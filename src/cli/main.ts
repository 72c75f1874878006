/** The linac-bridge command line: the only layer besides the API that talks to people. */
import { Command } from 'commander';
import { isBridgeError } from '../core/bridge-error.js';
import { couchCorrectionCommand } from './couch-command.js';
import { marginsCommand } from './margins-command.js';
import { sequenceCommand } from './sequence-command.js';
import { simCommand } from './sim-command.js';
import { simulateCommand } from './simulate-command.js';
import { startCommand } from './start-command.js';

export const DEFAULT_SETUP_ERROR = '2.4,-1.8,1.1,0.6,-0.4,0.8';

export function buildProgram(): Command {
  const program = new Command('linac-bridge').description('Radiotherapy treatment-room device bridge').option('-c, --config <file>', 'bridge config (default config/default.json)');
  program
    .command('simulate <plan>')
    .description('run one fraction of a step-and-shoot plan end to end on the embedded simulators')
    .option('--json', 'print the fraction record as JSON')
    .option('--time-scale <x>', 'simulated physics runs x times faster than real time')
    .option('--setup-error <lat,long,vert,pitch,roll,yaw>', 'correction the simulated CBCT reports (mm, deg)', DEFAULT_SETUP_ERROR)
    .option('--operator <name>', 'operator recorded for approvals and beam-on', 'sim-therapist')
    .option('--timeout <ms>', 'give up after this long', '300000')
    .option('--max-resumes <n>', 'the simulated therapist presses RESUME after a beam hold at most n times (0: a hold ends the run)', '3')
    .option('--resume', 'continue an interrupted run of this fraction with only the remaining MU (needs --operator)')
    .action(async (plan: string, opts, cmd: Command) => exit(await simulateCommand(plan, { ...opts, operatorGiven: cmd.getOptionValueSource('operator') === 'cli', config: program.opts().config })));
  program
    .command('start')
    .description('start the bridge and keep running (logs state changes)')
    .option('--simulate', 'with every device simulated in-process on loopback')
    .option('--exit-after <ms>', 'stop after this long (for scripted checks)')
    .action(async (opts) => exit(await startCommand({ ...opts, config: program.opts().config })));
  program
    .command('sim <device>')
    .description('run one simulator alone: mlc | beam | couch | imaging')
    .option('--port <n>', 'loopback TCP port (0 = any free port)', '0')
    .option('--pty', 'serve on a pseudo-terminal instead (mlc, beam; couch speaks Modbus RTU there)')
    .option('--time-scale <x>', 'physics speed-up')
    .action(async (device: string, opts) => exit(await simCommand(device, { ...opts, config: program.opts().config })));
  const couch = program.command('couch').description('couch geometry tools');
  couch
    .command('correction')
    .description('couch target for a registration correction (mm, deg, IEC 61217 table-top frame)')
    .requiredOption('--pose <lat,long,vert,pitch,roll,yaw>', 'present couch pose')
    .requiredOption('--shift <lat,long,vert,pitch,roll,yaw>', "the registration's correction about the isocentre")
    .requiredOption('--isocenter <x,y,z>', 'isocentre, table-top frame, mm')
    .option('--pivot <x,y,z>', 'pitch/roll pivot where it is at --pose, mm (default: the couch model\'s pivot at couch zero, moved with the table)')
    .option('--couch <model>', 'couch model id (default: the configured one)')
    .option('--protocol <name>', 'action-level table', 'conventional')
    .option('--json', 'print JSON')
    .action((opts) => exit(couchCorrectionCommand({ ...opts, config: program.opts().config })));
  program
    .command('sequence <map>')
    .description('sequence an integer fluence map (CSV, one row per leaf pair) into MLC segments or sliding-window control points')
    .option('--mlc <model>', 'MLC model id (default: the configured one)')
    .option('--method <name>', 'engel | improved | sweep | sliding-window', 'improved')
    .option('--no-interdigitation', 'forbid interdigitation (interleaf collision constraint; method sweep)')
    .option('--tongue-groove', 'eliminate tongue-and-groove underdosage (method sweep)')
    .option('--json', 'print the result as one JSON object')
    .option('--dose-rate <MU/min>', 'dose rate', '600')
    .option('--bixel-mm <mm>', 'bixel width along leaf travel', '5')
    .option('--row-mm <mm>', 'height of a map row, mapped onto leaves by their boundaries (default: one row per leaf pair)')
    .option('--min-segment-mu <MU>', 'deliverability: smallest segment MU', '1')
    .option('--min-open-area-mm2 <mm2>', 'deliverability: smallest open area of a segment', '0')
    .option('--budget-ms <ms>', 'time for the segment-count search')
    .action(async (map: string, opts) => exit(await sequenceCommand(map, { ...opts, config: program.opts().config })));
  program
    .command('margins <inputs...>')
    .description('setup-error statistics and van Herk CTV-to-PTV margins from journals or a CSV (patient,fraction,lateral_mm,longitudinal_mm,vertical_mm)')
    .option('--json', 'print JSON')
    .action((inputs: string[], opts) => exit(marginsCommand(inputs, opts)));
  return program;
}

function exit(code: number): void {
  process.exitCode = code;
  setImmediate(() => process.exit(code)); // serialport and sockets must not keep a finished command alive
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    process.stderr.write(`linac-bridge: ${isBridgeError(e) ? e.message : (e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  }
}
