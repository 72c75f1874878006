import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseDiagnostic, watchDiagnostics } from '../../src/cli/simulator-diagnostics.js';
import { until } from '../helpers/wait.js';

const beamRoom = () => ({ room: { doorClosed: true, emergencyStop: false, primaryChannelStuck: false, ignoresSegmentEnd: false } });

describe('simulator diagnostics on stdin', () => {
  it('reads the four switch commands, ignoring case and extra blanks', () => {
    expect(parseDiagnostic('door open')).toEqual({ switch: 'door', closed: false });
    expect(parseDiagnostic('  DOOR   closed ')).toEqual({ switch: 'door', closed: true });
    expect(parseDiagnostic('estop pressed')).toEqual({ switch: 'estop', pressed: true });
    expect(parseDiagnostic('estop released')).toEqual({ switch: 'estop', pressed: false });
  });

  it('refuses anything else', () => {
    for (const line of ['door', 'door ajar', 'rm -rf /', 'open door', '']) expect(parseDiagnostic(line)).toBeUndefined();
  });

  it("opens and closes the simulated door, journals each change and logs a refused line without touching the room", async () => {
    const input = new PassThrough();
    const beam = beamRoom();
    const records: object[] = [];
    const logs: string[] = [];
    const stop = watchDiagnostics(input, beam, (d) => records.push(d), (l) => logs.push(l));
    input.write('door open\n');
    await until(() => records.length === 1, 3000, 'the first diagnostic');
    expect(beam.room.doorClosed).toBe(false);
    input.write('lights off\nestop pressed\n');
    await until(() => records.length === 2, 3000, 'the second diagnostic');
    expect(beam.room).toMatchObject({ doorClosed: false, emergencyStop: true });
    expect(records).toEqual([{ event: 'simulator-diagnostic', switch: 'door', closed: false }, { event: 'simulator-diagnostic', switch: 'estop', pressed: true }]);
    expect(logs.some((l) => l.startsWith('diagnostics: refused "lights off"'))).toBe(true);
    stop();
  });
});
