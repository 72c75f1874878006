import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedRoom } from '../../src/cli/embedded-room.js';
import { runFraction, type RunnerOptions } from '../../src/bridge/fraction-runner.js';
import { readJournal } from '../../src/journal/journal.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { startRoom, stateOf } from '../helpers/embedded.js';
import { examplePlan } from '../helpers/session-harness.js';
import { until } from '../helpers/wait.js';

let embedded: EmbeddedRoom | undefined;
afterEach(async () => {
  await embedded?.close();
  embedded = undefined;
});

const correction = { lateralMm: 1.5, longitudinalMm: -1, verticalMm: 0.8, pitchDeg: 0.4, rollDeg: -0.3, yawDeg: 0.5 };

function runnerFor(e: EmbeddedRoom, resumeAfterHold: RunnerOptions['resumeAfterHold']): RunnerOptions {
  return {
    operator: 'rtt',
    log: () => undefined,
    timeoutMs: 60_000,
    acquireImage: () => e.room.imaging.acquire({ patientId: examplePlan.patientId, planId: examplePlan.planId, fraction: examplePlan.fraction }, correction),
    resumeAfterHold,
  };
}

/**
 * Opens the door once the first beam has delivered `mu` MU; closes it `openMs` after the
 * session held. Returns the monotonic time the door closed (the journal's `monoMs` clock).
 */
async function openDoorMidBeam(e: EmbeddedRoom, mu: number, openMs: number): Promise<number> {
  await until(() => e.room.beam.status.state === BeamState.BeamOn && e.room.beam.status.mu1 > mu, 20_000, 'beam on');
  e.room.beam.room.doorClosed = false;
  await until(() => stateOf(e) === 'beamHold', 20_000, 'hold');
  await new Promise((r) => setTimeout(r, openMs));
  e.room.beam.room.doorClosed = true;
  return performance.now();
}

/**
 * On a busy machine the bridge can miss a heartbeat and hold on a stale link besides the
 * hold a test makes, or the linac's own watchdog holds the beam when heartbeats come late
 * (the session then reports IL-BEAM-NOT-READY: the linac no longer reports the beam armed).
 * Such a hold must name only those causes; the test's claims are about the holds it caused.
 */
const LOAD_CAUSES = ['IL-MLC-STALE', 'IL-COUCH-STALE', 'IL-BEAM-STALE', 'IL-BEAM-NOT-READY'];
const onlyStale = (causes: readonly string[]): boolean => causes.length > 0 && causes.every((c) => LOAD_CAUSES.includes(c));

const operatorEvents = (e: EmbeddedRoom) => readJournal(e.journal.file).entries.filter((x) => x.kind === 'operator').map((x) => (x.data as { type: string }).type);

describe('fraction runner in the therapist seat: beam holds', { timeout: 60_000 }, () => {
  it('presses RESUME only after the door is closed again, and completes the fraction', async () => {
    const e = (embedded = await startRoom());
    const run = runFraction(e.session, examplePlan, runnerFor(e, { maxResumes: 5, waitMs: 150, giveUpAfterMs: 10_000 }));
    const doorClosedAtMs = await openDoorMidBeam(e, 1, 600);
    const rec = await run;
    expect(rec.outcome).toBe('complete');
    const doorHolds = rec.holds.filter((h) => h.causes.includes('IL-DOOR-OPEN'));
    expect(doorHolds).toHaveLength(1);
    expect(doorHolds[0]).toMatchObject({ causes: ['IL-DOOR-OPEN'], resumedBy: 'rtt' });
    for (const h of rec.holds.filter((x) => x !== doorHolds[0])) expect(onlyStale(h.causes), `hold causes ${h.causes.join(",")}`).toBe(true);
    const journal = readJournal(e.journal.file).entries;
    // the door hold was left (beamHold → beamOn) only after the door was closed again
    const doorHoldAt = journal.find((x) => x.kind === 'state' && (x.data as { holdCauses: string[] }).holdCauses?.includes('IL-DOOR-OPEN'))!;
    const left = journal.find((x) => x.seq > doorHoldAt.seq && x.kind === 'state' && (x.data as { from: string }).from === 'beamHold')!;
    expect(left.monoMs).toBeGreaterThan(doorClosedAtMs);
    // the presses while the door was open were refused and journaled, naming the door, not silently dropped
    const pressesWhileOpen = journal.filter((x) => x.kind === 'operator' && (x.data as { type: string }).type === 'RESUME' && x.seq > doorHoldAt.seq && x.monoMs < doorClosedAtMs);
    expect(pressesWhileOpen.length).toBeGreaterThanOrEqual(1);
    for (const press of pressesWhileOpen) {
      const denial = journal.find((x) => x.seq > press.seq && x.kind === 'notice' && (x.data as { kind: string }).kind === 'permit-denied')!;
      expect((denial.data as { unmet: string[] }).unmet.some((id) => id === 'IL-DOOR-OPEN' || id === 'IL-BEAM-STALE')).toBe(true);
    }
    for (const b of rec.beams) expect(b.muWithinTolerance).toBe(true);
  });

  it('with no resumes allowed, a hold ends the run as held and the linac stays held', async () => {
    const e = (embedded = await startRoom());
    const run = runFraction(e.session, examplePlan, runnerFor(e, { maxResumes: 0, waitMs: 100, giveUpAfterMs: 10_000 }));
    await openDoorMidBeam(e, 1, 100);
    const rec = await run;
    expect(rec.outcome).toBe('held');
    expect(rec.holds[0].resumedBy).toBeUndefined();
    expect(stateOf(e)).toBe('beamHold');
    const mu = e.room.beam.status.mu1;
    await new Promise((r) => setTimeout(r, 300));
    expect(e.room.beam.status.state).toBe(BeamState.Held);
    expect(e.room.beam.status.mu1).toBe(mu);
    expect(operatorEvents(e)).not.toContain('RESUME');
  });

  it('records the MU the held linac counted, the partial segment included, on both channels', async () => {
    const e = (embedded = await startRoom());
    const run = runFraction(e.session, examplePlan, runnerFor(e, { maxResumes: 0, waitMs: 100, giveUpAfterMs: 10_000 }));
    // mid-segment: past the first segment (18 MU) and short of the second's end (32 MU)
    await until(() => e.room.beam.status.state === BeamState.BeamOn && e.room.beam.status.mu1 > 20, 30_000, 'beam on in segment 2');
    e.room.beam.room.doorClosed = false;
    const rec = await run;
    expect(rec.outcome).toBe('held');
    const linac = e.room.beam.status; // the simulator's own counters
    const beam = rec.beams[0];
    expect(Math.abs(beam.deliveredMu1 - linac.mu1)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(beam.deliveredMu2 - linac.mu2)).toBeLessThanOrEqual(0.01);
    expect(beam.segments.map((s) => s.index)).toEqual([0, 1]);
    expect(Math.abs(beam.segments[1].deliveredMu - (linac.mu1 - 18))).toBeLessThanOrEqual(0.01);
    expect(beam.segments[1].deliveredMu2).toBeGreaterThan(0);
  });

  it('on a stop request mid-beam (signal, internal error) holds the simulated linac and stops the couch before the record is built', async () => {
    const e = (embedded = await startRoom());
    let requestStop!: (reason: string) => void;
    const stopRequested = new Promise<string>((r) => (requestStop = r));
    const run = runFraction(e.session, examplePlan, { ...runnerFor(e, { maxResumes: 3, waitMs: 100, giveUpAfterMs: 10_000 }), stopRequested });
    await until(() => e.room.beam.status.state === BeamState.BeamOn && e.room.beam.status.mu1 > 3, 30_000, 'beam on');
    requestStop('internal error: test');
    const rec = await run;
    expect(rec.outcome).toBe('interrupted');
    expect(rec.stopReason).toBe('internal error: test');
    expect(e.room.beam.status.state).toBe(BeamState.Held);
    expect(e.room.couch.moving).toBe(false);
    expect(Math.abs(rec.beams[0].deliveredMu1 - e.room.beam.status.mu1)).toBeLessThanOrEqual(0.01);
    const mu = e.room.beam.status.mu1;
    await new Promise((r) => setTimeout(r, 300)); // the halted session sends no beam-on and no RESUME
    expect(e.room.beam.status.mu1).toBe(mu);
    expect(operatorEvents(e)).not.toContain('RESUME');
  });

  it('gives up as held when the hold cause never clears', async () => {
    const e = (embedded = await startRoom());
    const run = runFraction(e.session, examplePlan, runnerFor(e, { maxResumes: 3, waitMs: 100, giveUpAfterMs: 800 }));
    await until(() => e.room.beam.status.state === BeamState.BeamOn && e.room.beam.status.mu1 > 1, 20_000, 'beam on');
    e.room.beam.room.doorClosed = false; // and it stays open
    const rec = await run;
    expect(rec.outcome).toBe('held');
    expect(e.room.beam.status.state).toBe(BeamState.Held);
  });

  it('presses BEAM_ON again when it was refused (door open at ready), and only once the door is closed', async () => {
    const e = (embedded = await startRoom());
    e.room.beam.room.doorClosed = false;
    const run = runFraction(e.session, examplePlan, runnerFor(e, { maxResumes: 5, waitMs: 150, giveUpAfterMs: 10_000 }));
    await until(() => operatorEvents(e).filter((t) => t === 'BEAM_ON').length >= 3, 20_000, 'beam-on pressed again after refusals');
    expect(stateOf(e)).toBe('ready');
    expect(e.room.beam.status.mu1).toBe(0);
    e.room.beam.room.doorClosed = true;
    const rec = await run;
    expect(rec.outcome).toBe('complete');
    for (const h of rec.holds) expect(onlyStale(h.causes), `hold causes ${h.causes.join(",")}`).toBe(true); // none but a missed heartbeat on a busy machine
    const presses = operatorEvents(e).filter((t) => t === 'BEAM_ON').length;
    expect(presses).toBeGreaterThan(examplePlan.beams.length); // the refused ones are journaled too
  });
});
