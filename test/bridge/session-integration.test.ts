import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedRoom } from '../../src/cli/embedded-room.js';
import { startRoom, stateOf } from '../helpers/embedded.js';
import { readJournal } from '../../src/journal/journal.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { examplePlan } from '../helpers/session-harness.js';
import { until } from '../helpers/wait.js';

let embedded: EmbeddedRoom | undefined;
afterEach(async () => {
  await embedded?.close();
  embedded = undefined;
});

const start = (): Promise<EmbeddedRoom> => startRoom().then((e) => (embedded = e));

const state = stateOf;
const subject = { patientId: examplePlan.patientId, planId: examplePlan.planId, fraction: examplePlan.fraction };
const correction = { lateralMm: 1.5, longitudinalMm: -1, verticalMm: 0.8, pitchDeg: 0.4, rollDeg: -0.3, yawDeg: 0.5 };

async function toReady(e: EmbeddedRoom): Promise<void> {
  e.session.loadPlan(examplePlan);
  e.room.imaging.acquire(subject, correction);
  await until(() => state(e) === 'setup.awaitingApproval', 2000, 'awaiting approval');
  e.session.approve(e.session.snapshot.context.pending!.registration.id, { user: 'rtt', role: 'therapist' });
  await until(() => state(e) === 'ready', 5000, 'ready');
}

describe('bridge session on the simulators over real transports', () => {
  it('rejects a registration for another patient, journals it, and leaves the session unchanged', async () => {
    const e = await start();
    e.session.loadPlan(examplePlan);
    await until(() => state(e) === 'setup.awaitingRegistration', 1000, 'awaiting registration');
    e.room.imaging.acquire({ ...subject, patientId: 'SOMEONE-ELSE' }, correction);
    e.room.imaging.publishRaw('{ not json\n');
    await until(() => readJournal(e.journal.file).entries.filter((x) => x.kind === 'rejection').length === 2, 2000, 'two rejections');
    const rejections = readJournal(e.journal.file).entries.filter((x) => x.kind === 'rejection').map((x) => (x.data as { error: { code: string; field: string } }).error);
    expect(rejections[0]).toMatchObject({ code: 'PATIENT_MISMATCH', field: 'registration.patientId' });
    expect(rejections[1]).toMatchObject({ code: 'REG_INVALID' });
    expect(state(e)).toBe('setup.awaitingRegistration');
  });

  it('holds the real linac when the door opens mid-beam, and resumes only on RESUME after the door closes', async () => {
    const e = await start();
    await toReady(e);
    e.session.send({ type: 'BEAM_ON', operator: 'rtt' });
    await until(() => e.room.beam.status.state === BeamState.BeamOn && e.room.beam.status.mu1 > 1, 3000, 'beam on');
    e.room.beam.room.doorClosed = false;
    await until(() => state(e) === 'beamHold', 1000, 'hold');
    await until(() => e.room.beam.status.state === BeamState.Held, 1000, 'linac held');
    const heldAt = e.room.beam.status.mu1;
    e.room.beam.room.doorClosed = true;
    await new Promise((r) => setTimeout(r, 300));
    expect(state(e)).toBe('beamHold'); // door closed is not enough
    expect(e.room.beam.status.mu1).toBe(heldAt);
    e.session.send({ type: 'RESUME', operator: 'rtt' });
    await until(() => e.room.beam.status.mu1 > heldAt, 2000, 'beam resumed');
    expect(e.session.snapshot.context.holdCauses).toEqual([]);
    const ops = readJournal(e.journal.file).entries.filter((x) => x.kind === 'operator').map((x) => (x.data as { type: string }).type);
    expect(ops).toEqual(['LOAD_PLAN', 'APPROVE', 'BEAM_ON', 'RESUME']);
  });

  it('holds the beam when the MLC controller goes silent mid-beam', async () => {
    const e = await start();
    await toReady(e);
    e.session.send({ type: 'BEAM_ON', operator: 'rtt' });
    await until(() => e.room.beam.status.state === BeamState.BeamOn, 3000, 'beam on');
    e.room.mlcHost.faults.silent = true;
    await until(() => state(e) === 'beamHold', 1000, 'hold');
    expect(e.session.snapshot.context.holdCauses).toContain('IL-MLC-STALE');
    await until(() => e.room.beam.status.state === BeamState.Held, 1000, 'linac held');
  });

  it('holds when the MLC link drops mid-beam; the link reopens by itself, but only RESUME restarts the beam', async () => {
    const e = await start();
    await toReady(e);
    e.session.send({ type: 'BEAM_ON', operator: 'rtt' });
    await until(() => e.room.beam.status.state === BeamState.BeamOn && e.room.beam.status.mu1 > 1, 3000, 'beam on');
    let evidenceAtDrop: number | undefined | 'unseen' = 'unseen';
    e.session.drivers.mlc.events$.subscribe((ev) => {
      if (ev.type === 'link-closed') evidenceAtDrop = e.session.snapshot.context.evidence.links.mlc.lastValidRxMs;
    });
    e.room.mlcHost.host.dropConnections();
    await until(() => state(e) === 'beamHold', 1000, 'hold');
    expect(evidenceAtDrop).toBeUndefined(); // the session lost the MLC link evidence at the drop, not 150 ms later
    expect(e.session.snapshot.context.holdCauses).toContain('IL-MLC-STALE');
    await until(() => e.session.drivers.mlc.isFresh(), 3000, 'MLC link reopened and fresh');
    const heldAt = e.room.beam.status.mu1;
    await new Promise((r) => setTimeout(r, 300));
    expect(state(e)).toBe('beamHold');
    expect(e.room.beam.status.mu1).toBe(heldAt);
    e.session.send({ type: 'RESUME', operator: 'rtt' });
    await until(() => e.room.beam.status.mu1 > heldAt, 3000, 'beam resumed');
    const events = readJournal(e.journal.file).entries.filter((x) => x.kind === 'device-event' && (x.data as { device: string }).device === 'mlc').map((x) => (x.data as { type: string }).type);
    expect(events).toEqual(expect.arrayContaining(['link-closed', 'link-stale', 'link-reopened', 'link-fresh']));
  });

  it('latches a fault and terminates the beam when the couch reports a collision', async () => {
    const e = await start();
    await toReady(e);
    e.session.send({ type: 'BEAM_ON', operator: 'rtt' });
    await until(() => e.room.beam.status.state === BeamState.BeamOn, 3000, 'beam on');
    e.room.couch.collide();
    await until(() => state(e) === 'fault', 1000, 'fault');
    await until(() => e.room.beam.status.state === BeamState.Terminated, 1000, 'linac terminated');
    expect(e.session.snapshot.context.latchedFaults).toContain('IL-COUCH-FAULT');
  });
});
