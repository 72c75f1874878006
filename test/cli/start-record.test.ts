/**
 * `start` keeps what the console delivered as an RT Beams Treatment Record, and `record
 * from-journal` rebuilds it after a crash. `start --simulate` runs as a child process driven
 * through the console API only. Every record is checked by dciodvfy (0 errors) and read by
 * dcmdump; its delivered MU is compared with the linac's counters as the journal holds them
 * (`mu-checkpoint` lines parsed here, not by the bridge's reader).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { root } from '../helpers/cli-process.js';
import { call } from '../helpers/console-rig.js';
import { dciodvfy, dcmdumpValues } from '../helpers/dicom3tools.js';
import { beamOn, examplePlan, journalLines, setUpFraction, startConsole, type StartedConsole } from '../helpers/start-console.js';
import { until } from '../helpers/wait.js';

let c: StartedConsole | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const cli = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

interface Checkpoint { seq: number; beamId: number; state: string; mu1: number; mu2: number }

/** The linac's journaled readbacks of one beam while it counted (not idle, not armed), in order. */
function checkpointsOf(journal: string, beamId: number): Checkpoint[] {
  return journalLines(journal).filter((e) => e.kind === 'mu-checkpoint' && e.data.beamId === beamId && e.data.state !== 'Idle' && e.data.state !== 'Armed').map((e) => ({ seq: e.seq, ...e.data }));
}

function expectValid(file: string): void {
  const v = dciodvfy(file);
  expect(v.iods, v.output).toContain('RTBeamsTreatmentRecord');
  expect(v.errors, v.output).toEqual([]);
}

const sessionEvents = (journal: string, event: string) => journalLines(journal).filter((e) => e.kind === 'session' && e.data.event === event).map((e) => e.data);

/** Beam 1 on until the journal shows the linac counted at least `mu` on channel 1. */
async function untilCounted(journal: string, mu: number): Promise<void> {
  await until(() => checkpointsOf(journal, 1).some((k) => k.state === 'BeamOn' && k.mu1 >= mu), 60_000, `beam 1 at ${mu} MU in the journal`);
}

describe('start writes the treatment record of a fraction delivered through the console', () => {
  it('into records.dir when the fraction completes: valid, each beam NORMAL with the MU the journal holds from the linac', async () => {
    c = await startConsole({ patch: (cfg) => (cfg.records = { dir: '../records' }), prepare: (dir) => fs.mkdirSync(path.join(dir, 'records')) });
    const records = path.join(c.dir, 'records');
    expect(c.run.stdout).toContain(`treatment records: ${records}`);
    await setUpFraction(c, examplePlan());
    await beamOn(c);
    await until(() => c!.live.session()?.beamIndex === 1 && c!.state() === 'ready', 60_000, 'the first beam delivered');
    await beamOn(c);
    await until(() => c!.state() === 'fractionComplete', 60_000, 'the fraction complete');
    const file = path.join(records, path.basename(c.journal).replace(/\.jsonl$/, '.rtrecord.dcm'));
    await until(() => sessionEvents(c!.journal, 'treatment-record').length > 0, 30_000, 'the record journaled');
    expect(sessionEvents(c.journal, 'treatment-record')[0]).toMatchObject({ written: true, file, outcome: 'complete' });
    expectValid(file);
    expect(fs.readdirSync(records)).toEqual([path.basename(file)]); // no temporary file left
    expect(dcmdumpValues(file, '300c,0006').map(Number)).toEqual([1, 2]);
    const delivered = dcmdumpValues(file, '3008,0036').map(Number);
    const delivered2 = dcmdumpValues(file, '3008,0037').map(Number);
    [1, 2].forEach((beamId, k) => {
      const last = checkpointsOf(c!.journal, beamId).pop()!;
      expect(last.state).toBe('Complete');
      expect(Math.abs(delivered[k] - last.mu1), `beam ${beamId} ch1`).toBeLessThanOrEqual(0.001);
      expect(Math.abs(delivered2[k] - last.mu2), `beam ${beamId} ch2`).toBeLessThanOrEqual(0.001);
    });
    expect(dcmdumpValues(file, '3008,002a')).toEqual(['NORMAL', 'NORMAL']);
    expect(dcmdumpValues(file, '0008,1070')).toEqual(['therapist-1']); // the console user who pressed beam-on
    expect(await c.stop()).toBe(0);
  }, 240_000);

  it('reports and journals a record it cannot write (missing folder) and stays up and safe; record from-journal then writes the partial beam, OPERATOR ABORTED', async () => {
    const missing = path.join('/tmp', `lb-no-such-folder-${process.pid}-${Date.now()}`);
    c = await startConsole({ args: ['--record', missing] });
    expect(c.run.stdout).toMatch(/WARNING: treatment records folder .* is not usable \(ENOENT\)/);
    await setUpFraction(c, examplePlan(50));
    await beamOn(c);
    await untilCounted(c.journal, 2);
    const terminated = await c.send({ type: 'terminate' });
    expect(terminated.status, JSON.stringify(terminated.body)).toBe(200);
    await until(() => sessionEvents(c!.journal, 'treatment-record-failed').length > 0, 30_000, 'the failed write journaled');
    const failed = sessionEvents(c.journal, 'treatment-record-failed')[0];
    expect(failed).toMatchObject({ outcome: 'aborted', file: expect.stringContaining(missing) });
    expect(failed.reason).toContain('ENOENT');
    expect(c.run.stdout).toContain('treatment record NOT written');
    expect(fs.existsSync(missing)).toBe(false);
    // still serving, the session aborted, the linac's readback shows the beam off
    await until(() => c!.live.latest('beam')?.data.state !== 'BeamOn', 10_000, 'the beam off in the readback');
    const token = JSON.parse(JSON.stringify((await call(c.base, 'POST', '/api/v1/login', { body: { username: 'therapist-1', password: 'correct horse battery staple' } })).body)).token;
    const state = await call(c.base, 'GET', '/api/v1/state', { token });
    expect(state.status).toBe(200);
    expect(state.body.session.state).toBe('aborted');
    expect(c.run.child.exitCode).toBeNull();
    expect(await c.stop()).toBe(0);

    // the journal holds the fraction: the record is written from it
    const out = path.join(c.dir, 'rebuilt.rtrecord.dcm');
    const r = cli(['record', 'from-journal', c.journal, '--out', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ended: 'record', outcome: 'aborted' });
    expectValid(out);
    const last = checkpointsOf(c.journal, 1).pop()!;
    expect(last.mu1).toBeLessThan(examplePlan().beams[0].segments.reduce((s: number, g: any) => s + g.mu, 0));
    expect(Math.abs(Number(dcmdumpValues(out, '3008,0036')[0]) - last.mu1)).toBeLessThanOrEqual(0.001);
    expect(dcmdumpValues(out, '3008,002a')).toEqual(['OPERATOR']);
    expect(dcmdumpValues(out, '3008,002b')).toEqual(['ABORTED']);
  }, 240_000);
});

describe('a fault mid-beam (emergency stop pressed)', () => {
  it('ends the fraction: the record is written with the partial beam MACHINE / FAULT once the linac reads back the beam off', async () => {
    c = await startConsole({ diagnostics: true });
    await setUpFraction(c, examplePlan(50));
    await beamOn(c);
    await untilCounted(c.journal, 2);
    c.diagnose('estop pressed');
    await until(() => sessionEvents(c!.journal, 'treatment-record').length > 0, 30_000, 'the record journaled');
    expect(c.state()).toBe('fault');
    const file = c.journal.replace(/\.jsonl$/, '.rtrecord.dcm');
    expect(sessionEvents(c.journal, 'treatment-record')[0]).toMatchObject({ written: true, file, outcome: 'fault', beamOffConfirmed: true });
    expectValid(file);
    const last = checkpointsOf(c.journal, 1).pop()!;
    expect(Math.abs(Number(dcmdumpValues(file, '3008,0036')[0]) - last.mu1)).toBeLessThanOrEqual(0.001);
    expect(dcmdumpValues(file, '3008,002a')).toEqual(['MACHINE']);
    expect(dcmdumpValues(file, '3008,002b')).toEqual(['FAULT']);
    expect(dcmdumpValues(file, '300a,0730')[0]).toContain('IL-EMERGENCY-STOP');
    expect(await c.stop()).toBe(0);
    expect(sessionEvents(c.journal, 'treatment-record')).toHaveLength(1); // the stop adds no second record
  }, 240_000);
});

describe('start closed mid-beam (SIGTERM)', () => {
  it('holds the beam, then writes the record beside the journal with the partial beam OPERATOR / SIGTERM and the MU of the last journaled readback', async () => {
    c = await startConsole();
    await setUpFraction(c, examplePlan(50));
    await beamOn(c);
    await untilCounted(c.journal, 2);
    c.run.child.kill('SIGTERM');
    expect(await c.run.exited).toBe(0);
    const file = c.journal.replace(/\.jsonl$/, '.rtrecord.dcm');
    expect(sessionEvents(c.journal, 'treatment-record')[0]).toMatchObject({ written: true, file, outcome: 'interrupted' });
    // the record was made after the safe stop, before the session's journal closed
    const kinds = journalLines(c.journal).map((e) => (e.kind === 'session' ? e.data.event : e.data?.type));
    expect(kinds.indexOf('treatment-record')).toBeGreaterThan(kinds.indexOf('safe-stop'));
    expect(kinds.indexOf('treatment-record')).toBeLessThan(kinds.lastIndexOf('stop'));
    expectValid(file);
    const last = checkpointsOf(c.journal, 1).pop()!;
    expect(last.state).not.toBe('BeamOn');
    expect(Math.abs(Number(dcmdumpValues(file, '3008,0036')[0]) - last.mu1)).toBeLessThanOrEqual(0.001);
    expect(dcmdumpValues(file, '3008,002a')).toEqual(['OPERATOR']);
    expect(dcmdumpValues(file, '3008,002b')).toEqual(['SIGTERM']);
    c = undefined;
  }, 240_000);
});

describe('record from-journal after start was killed (SIGKILL) mid-beam', () => {
  it('writes a valid record whose partial beam holds the MU of the last journaled linac readback, UNKNOWN / BRIDGE-LOST', async () => {
    c = await startConsole();
    await setUpFraction(c, examplePlan(50));
    await beamOn(c);
    await untilCounted(c.journal, 2);
    c.run.child.kill('SIGKILL');
    expect(await c.run.exited).toBe('SIGKILL');
    expect(fs.readdirSync(c.journalDir).filter((f) => f.endsWith('.dcm'))).toEqual([]); // killed: no record

    const out = path.join(c.dir, 'recovered.rtrecord.dcm');
    const r = cli(['record', 'from-journal', c.journal, '--out', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ended: 'lost', outcome: 'interrupted', treatmentRecord: out });
    expectValid(out);
    const [before, last] = checkpointsOf(c.journal, 1).slice(-2);
    const delivered = Number(dcmdumpValues(out, '3008,0036')[0]);
    expect(delivered).toBeGreaterThanOrEqual(before.mu1 - 0.001);
    expect(delivered).toBeLessThanOrEqual(last.mu1 + 0.001);
    expect(delivered).toBeGreaterThanOrEqual(2);
    expect(Number(dcmdumpValues(out, '3008,0032')[0])).toBeGreaterThan(delivered); // specified: the plan's beam meterset
    expect(dcmdumpValues(out, '300c,0006')).toEqual(['1']); // beam 2 never started: not in the record
    expect(dcmdumpValues(out, '3008,002a')).toEqual(['UNKNOWN']);
    expect(dcmdumpValues(out, '3008,002b')).toEqual(['BRIDGE-LOST']);
    c = undefined;
  }, 240_000);

  it('refuses bad input naming the field, exit 2, no stack trace', () => {
    const dir = fs.mkdtempSync(path.join('/tmp', 'lb-from-journal-'));
    const garbage = path.join(dir, 'garbage.jsonl');
    fs.writeFileSync(garbage, 'not a journal\nnor this\n');
    for (const [args, field] of [
      [['record', 'from-journal', path.join(dir, 'missing.jsonl')], 'journal'],
      [['record', 'from-journal', garbage], 'journal line 1'],
    ] as const) {
      const r = cli([...args]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`] ${field}: `);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
