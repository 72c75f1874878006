/**
 * A journal on a full disk (ENOSPC) must never stop a safety command, and is
 * itself an interlock. Real simulators over loopback; the journal's writes
 * fail through an injected file-operations object.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { stateName } from '../../src/bridge/bridge-session.js';
import { readJournal } from '../../src/journal/journal.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { diskThatFills, startRoomWithJournal, throwingSink, type RoomWithJournal } from '../helpers/room-with-journal.js';
import { examplePlan } from '../helpers/session-harness.js';
import { until } from '../helpers/wait.js';

let r: RoomWithJournal | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const state = (x: RoomWithJournal) => stateName(x.session.snapshot.value);
const subject = { patientId: examplePlan.patientId, planId: examplePlan.planId, fraction: examplePlan.fraction };

async function beamOn(x: RoomWithJournal): Promise<void> {
  x.session.loadPlan(examplePlan);
  x.room.imaging.acquire(subject, { lateralMm: 1, longitudinalMm: -0.5, verticalMm: 0.5, pitchDeg: 0.2, rollDeg: 0, yawDeg: 0.3 });
  await until(() => state(x) === 'setup.awaitingApproval', 2000, 'awaiting approval');
  x.session.approve(x.session.snapshot.context.pending!.registration.id, { user: 'rtt', role: 'therapist' });
  await until(() => state(x) === 'ready', 5000, 'ready');
  x.session.send({ type: 'BEAM_ON', operator: 'rtt' });
  await until(() => x.room.beam.status.state === BeamState.BeamOn && x.room.beam.status.mu1 > 1, 3000, 'beam on');
}

describe('journal on a full disk', () => {
  it('holds the beam by the bridge (not the linac watchdog) when the disk fills and the MLC link goes silent, and throws nothing', async () => {
    const disk = diskThatFills();
    r = await startRoomWithJournal(disk);
    await beamOn(r);
    disk.full = true;
    r.room.mlcHost.faults.silent = true;
    await until(() => state(r!) === 'beamHold', 1000, 'hold');
    await until(() => r!.room.beam.status.state === BeamState.Held, 1000, 'linac held');
    expect(r.room.beam.status.watchdogHold).toBe(false); // the bridge's HOLD_BEAM did it
    expect(r.session.snapshot.context.holdCauses).toContain('IL-JOURNAL-UNAVAILABLE');
    expect(r.journal.status()).toMatchObject({ writable: false, lostRecords: 0 });
  });

  it('takes an operator HOLD on a full disk, refuses RESUME until the disk takes writes, and then journals everything in order with the failure', async () => {
    const disk = diskThatFills();
    r = await startRoomWithJournal(disk);
    await beamOn(r);
    disk.full = true;
    r.session.send({ type: 'OPERATOR_HOLD', operator: 'rtt' });
    expect(state(r)).toBe('beamHold');
    await until(() => r!.room.beam.status.state === BeamState.Held, 1000, 'linac held');
    r.session.send({ type: 'RESUME', operator: 'rtt' });
    expect(state(r)).toBe('beamHold');
    expect(r.session.snapshot.context.holdCauses).toContain('IL-JOURNAL-UNAVAILABLE');
    disk.full = false;
    await until(() => r!.journal.status().writable, 1000, 'journal writable');
    await until(() => r!.session.snapshot.context.evidence.journal?.writable === true, 1000, 'journal evidence');
    r.session.send({ type: 'RESUME', operator: 'rtt' });
    expect(state(r)).toBe('beamOn');
    const { entries, corruptLines, tornTail } = readJournal(r.journal.file);
    expect(corruptLines).toEqual([]);
    expect(tornTail).toBe(false);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1)); // nothing lost, nothing reordered
    const ops = entries.filter((e) => e.kind === 'operator').map((e) => (e.data as { type: string }).type);
    expect(ops).toEqual(['LOAD_PLAN', 'APPROVE', 'BEAM_ON', 'OPERATOR_HOLD', 'RESUME', 'RESUME']);
    const notes = entries.filter((e) => e.kind === 'journal').map((e) => (e.data as { event: string }).event);
    expect(notes).toEqual(['write-failed', 'writable-again']);
    expect(entries.some((e) => e.kind === 'command' && (e.data as { command: string }).command === 'HOLD_BEAM')).toBe(true);
  });

  it('sends the hold and holds with IL-JOURNAL-UNAVAILABLE when a journal sink throws ENOSPC into the session', async () => {
    let sink: ReturnType<typeof throwingSink> | undefined;
    r = await startRoomWithJournal(undefined, (j) => (sink = throwingSink(j)));
    await beamOn(r);
    sink!.full = true;
    r.room.mlcHost.faults.silent = true;
    await until(() => state(r!) === 'beamHold', 1000, 'hold');
    await until(() => r!.room.beam.status.state === BeamState.Held, 1000, 'linac held');
    expect(r.room.beam.status.watchdogHold).toBe(false);
    r.session.send({ type: 'OPERATOR_HOLD', operator: 'rtt' }); // throws nothing
    expect(r.session.snapshot.context.holdCauses).toEqual(expect.arrayContaining(['IL-JOURNAL-UNAVAILABLE']));
  });
});
