/**
 * The real CLI stopped mid-beam by --timeout, SIGINT and SIGTERM: the linac
 * gets a hold and reports the beam off, the journal ends with `session stop`
 * and the delivered MU, and the record's MU is the linac's counter. Then the
 * interrupted fraction is refused in full and resumed with the remaining MU.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FractionRecord } from '../../src/bridge/fraction-record.js';
import type { JournalEntry } from '../../src/journal/journal.js';
import { entriesOf, journalFiles, planWithDoseRate, startCli, untilBeamOn } from '../helpers/cli-process.js';
import { configInTmp } from '../helpers/config-in-tmp.js';

// 100 MU/min: the first segment (18 MU) lasts about 11 s, so a stop sent once the beam is on lands mid-segment
const DOSE_RATE = 100;

interface Checkpoint { beamId: number; state: string; mu1: number; mu2: number }

/** The stop's claims, read from the journal of the stopped run. */
function expectSafeStop(entries: JournalEntry[], reason: string): FractionRecord {
  const holdAt = entries.findIndex((e) => e.kind === 'command' && (e.data as { command: string; by?: string }).command === 'HOLD_BEAM' && (e.data as { by?: string }).by === 'safe-stop');
  expect(holdAt, 'a hold was commanded').toBeGreaterThan(0);
  const before = entries.slice(0, holdAt).filter((e) => e.kind === 'mu-checkpoint').map((e) => e.data as Checkpoint);
  // mid-beam: on, or interrupted a moment earlier by a stale-link hold on a busy machine
  expect(['BeamOn', 'Held'], 'the beam was on when the stop came').toContain(before[before.length - 1].state);
  const after = entries.slice(holdAt).filter((e) => e.kind === 'mu-checkpoint').map((e) => e.data as Checkpoint);
  const linac = after[after.length - 1];
  expect(linac.state, 'the linac reports the beam held').toBe('Held');
  const stop = entries.find((e) => e.kind === 'device-event' && (e.data as { type: string }).type === 'safe-stop')!.data as { beamOff: boolean; couchStill: boolean };
  expect(stop.beamOff).toBe(true);
  expect(stop.couchStill).toBe(true);
  const last = entries[entries.length - 1];
  expect(last.kind).toBe('session');
  const end = last.data as { event: string; reason: string; deliveredMu: Array<{ id: number; deliveredMu1: number; deliveredMu2: number }> };
  expect(end.event).toBe('stop');
  expect((end as unknown as { state: string }).state, 'the session ends where the linac is: not beam on').not.toBe('beamOn');
  expect(end.reason).toBe(reason);
  const record = entries.filter((e) => e.kind === 'record').pop()!.data as FractionRecord;
  const beam = record.beams.find((b) => b.id === linac.beamId)!;
  expect(Math.abs(beam.deliveredMu1 - linac.mu1)).toBeLessThanOrEqual(0.01);
  expect(Math.abs(beam.deliveredMu2 - linac.mu2)).toBeLessThanOrEqual(0.01);
  expect(Math.abs(end.deliveredMu.find((b) => b.id === linac.beamId)!.deliveredMu1 - linac.mu1)).toBeLessThanOrEqual(0.01);
  // the partial segment is in the record, on both channels
  const segs = beam.segments;
  expect(segs.reduce((s, x) => s + x.deliveredMu, 0)).toBeCloseTo(beam.deliveredMu1, 2);
  expect(segs.reduce((s, x) => s + x.deliveredMu2, 0)).toBeCloseTo(beam.deliveredMu2, 2);
  expect(segs[segs.length - 1].deliveredMu).toBeLessThan(segs[segs.length - 1].plannedMu);
  return record;
}

describe('stopping a fraction mid-beam', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`on ${signal} holds the beam, stops the couch, journals session stop with the delivered MU and exits ${signal === 'SIGINT' ? 130 : 143}`, async () => {
      const { file, dir } = configInTmp();
      const plan = planWithDoseRate(dir, DOSE_RATE);
      const journalDir = path.join(dir, 'journal');
      const run = startCli(['--config', file, 'simulate', plan, '--json']);
      const journal = await untilBeamOn(journalDir, [], run, 0.5);
      run.child.kill(signal);
      expect(await run.exited, run.stderr).toBe(signal === 'SIGINT' ? 130 : 143);
      const record = expectSafeStop(entriesOf(journal), signal);
      expect(record.outcome).toBe('interrupted');
      expect((JSON.parse(run.stdout) as FractionRecord).beams).toEqual(record.beams);
    }, 90_000);
  }

  it('on --timeout holds the beam the same way and exits 1', async () => {
    // the timeout must land while the beam is on, whatever the set-up took on a busy machine: when it
    // lands before the beam or in an MLC move between segments, try again with another timeout (bounded)
    for (const timeoutMs of [9000, 13_000, 19_000, 30_000]) {
      const { file, dir } = configInTmp();
      const plan = planWithDoseRate(dir, DOSE_RATE);
      const run = startCli(['--config', file, 'simulate', plan, '--timeout', String(timeoutMs)]);
      expect(await run.exited, run.stderr).toBe(1);
      const entries = entriesOf(journalFiles(path.join(dir, 'journal'))[0]);
      const holdAt = entries.findIndex((e) => e.kind === 'command' && (e.data as { by?: string }).by === 'safe-stop');
      const before = entries.slice(0, holdAt).filter((e) => e.kind === 'mu-checkpoint').map((e) => e.data as Checkpoint);
      if (!['BeamOn', 'Held'].includes(before[before.length - 1]?.state)) continue;
      expect(expectSafeStop(entries, 'timeout').outcome).toBe('timeout');
      return;
    }
    throw new Error('no timeout landed while the beam was on');
  }, 200_000);

  it('refuses to deliver an interrupted fraction again in full (exit 2, naming the run), and --resume delivers only the rest', async () => {
    const { file, dir } = configInTmp();
    const plan = planWithDoseRate(dir, 300);
    const journalDir = path.join(dir, 'journal');
    const first = startCli(['--config', file, 'simulate', plan, '--time-scale', '2']);
    const journal = await untilBeamOn(journalDir, [], first, 3);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(130);
    const stopped = entriesOf(journal).filter((e) => e.kind === 'record').pop()!.data as FractionRecord;

    const again = startCli(['--config', file, 'simulate', plan]);
    expect(await again.exited).toBe(2);
    expect(again.stderr).toContain('FRACTION_INTERRUPTED');
    expect(again.stderr).toContain(path.basename(journal));
    expect(again.stderr).toContain(`beam 1 ${stopped.beams[0].deliveredMu1.toFixed(3)}`);
    expect(journalFiles(journalDir)).toEqual([journal]); // nothing started

    const noOperator = startCli(['--config', file, 'simulate', plan, '--resume']);
    expect(await noOperator.exited).toBe(2);
    expect(noOperator.stderr).toContain('--operator');

    const resumed = startCli(['--config', file, 'simulate', plan, '--resume', '--operator', 'a.physicist', '--json', '--time-scale', '5']);
    expect(await resumed.exited, resumed.stderr).toBe(0);
    const rec = JSON.parse(resumed.stdout) as FractionRecord;
    expect(rec.outcome).toBe('complete');
    expect(rec.resumed!.journal).toBe(journal);
    expect(rec.resumed!.operator).toBe('a.physicist');
    expect(rec.resumed!.beams[0].deliveredMu1).toBeCloseTo(stopped.beams[0].deliveredMu1, 3);
    for (const b of rec.beams) {
      expect(Math.abs(b.deliveredMu1 - b.plannedMu)).toBeLessThanOrEqual(0.1);
      expect(b.deliveredMu1).toBeLessThanOrEqual(b.plannedMu + 0.001);
    }
    // this run's linac counted only the remainder of beam 1
    const entries = entriesOf(rec.journal!);
    const beam1 = entries.filter((e) => e.kind === 'mu-checkpoint' && (e.data as Checkpoint).beamId === 1).map((e) => (e.data as Checkpoint).mu1);
    expect(Math.max(...beam1)).toBeCloseTo(60 - stopped.beams[0].deliveredMu1, 2);
    expect(entries.some((e) => e.kind === 'operator' && (e.data as { type: string; operator: string }).type === 'RESUME_FRACTION' && (e.data as { operator: string }).operator === 'a.physicist')).toBe(true);
  }, 150_000);
});
