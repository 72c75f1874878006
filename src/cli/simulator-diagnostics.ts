/**
 * Simulator diagnostics on standard input (`start --simulate --diagnostics-stdin`): a service
 * engineer at the bridge's own terminal, or a test driving it as a child process, changes the
 * room of the embedded simulators, one command per line:
 *
 *   door open | door closed | estop pressed | estop released
 *
 * Each accepted line is logged and journaled (`operator`, event `simulator-diagnostic`); any other
 * line is logged as refused and changes nothing. Only the embedded simulators have these switches:
 * with real devices the door and the emergency stop are the linac's own, never set from here.
 */
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import type { BeamDevice } from '../../simulators/beam-device.js';

export type Diagnostic = { readonly switch: 'door'; readonly closed: boolean } | { readonly switch: 'estop'; readonly pressed: boolean };

const LINES: Readonly<Record<string, Diagnostic>> = {
  'door open': { switch: 'door', closed: false },
  'door closed': { switch: 'door', closed: true },
  'estop pressed': { switch: 'estop', pressed: true },
  'estop released': { switch: 'estop', pressed: false },
};

/** The diagnostic a line asks for (case and surrounding blanks ignored), or undefined. */
export function parseDiagnostic(line: string): Diagnostic | undefined {
  return LINES[line.trim().toLowerCase().replace(/\s+/g, ' ')];
}

export function applyDiagnostic(beam: Pick<BeamDevice, 'room'>, d: Diagnostic): void {
  if (d.switch === 'door') beam.room.doorClosed = d.closed;
  else beam.room.emergencyStop = d.pressed;
}

/** Reads diagnostics from `input` until it ends or the returned function is called. */
export function watchDiagnostics(input: Readable, beam: Pick<BeamDevice, 'room'>, record: (data: object) => void, log: (line: string) => void): () => void {
  const rl = readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    const d = parseDiagnostic(line);
    if (!d) {
      log(`diagnostics: refused ${JSON.stringify(line.slice(0, 80))}: expected one of ${Object.keys(LINES).join(', ')}`);
      return;
    }
    applyDiagnostic(beam, d);
    record({ event: 'simulator-diagnostic', ...d });
    log(`diagnostics: simulator ${d.switch === 'door' ? `door ${d.closed ? 'closed' : 'open'}` : `emergency stop ${d.pressed ? 'pressed' : 'released'}`}`);
  });
  return () => rl.close();
}
