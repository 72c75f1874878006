import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedRoom } from '../../src/cli/embedded-room.js';
import { startRoom, stateOf } from '../helpers/embedded.js';
import { readJournal } from '../../src/journal/journal.js';
import { examplePlan } from '../helpers/session-harness.js';
import { until } from '../helpers/wait.js';

let embedded: EmbeddedRoom | undefined;
afterEach(async () => {
  await embedded?.close();
  embedded = undefined;
});

const start = (couchLink: 'tcp' | 'rtu'): Promise<EmbeddedRoom> => startRoom({ timeScale: 1, couchLink }).then((e) => (embedded = e));

const state = stateOf;
const subject = { patientId: examplePlan.patientId, planId: examplePlan.planId, fraction: examplePlan.fraction };
// a correction big enough that the move takes a few seconds at 10 mm/s (hexapod-6dof)
const correction = { lateralMm: 2.5, longitudinalMm: -2, verticalMm: 1.5, pitchDeg: 0.8, rollDeg: -0.6, yawDeg: 0.9 };

async function approve(e: EmbeddedRoom): Promise<void> {
  e.session.loadPlan(examplePlan);
  e.room.imaging.acquire(subject, correction);
  await until(() => state(e) === 'setup.awaitingApproval', 2000, 'awaiting approval');
  const pending = e.session.snapshot.context.pending!;
  // graded by its 3D length (3.5 mm) the correction needs a physician's review
  e.session.approve(pending.registration.id, pending.classification.action === 'review' ? { user: 'dr', role: 'physician' } : { user: 'rtt', role: 'therapist' });
  await until(() => e.room.couch.moving, 2000, 'couch moving');
}

function linkFaults(e: EmbeddedRoom, link: 'tcp' | 'rtu') {
  return link === 'tcp' ? { faults: e.room.couchHost.faults, logic: e.room.couchHost.logic } : { faults: e.room.couchRtuHost.faults, logic: e.room.couchRtuHost.logic };
}

const FAULTS: Array<[string, (e: EmbeddedRoom, link: 'tcp' | 'rtu') => void, string]> = [
  ['a stalled axis', (e) => (e.room.couch.faults.stalledAxis = 'lateralMm'), 'IL-COUCH-MOTION'],
  ['a collision', (e) => e.room.couch.collide(), 'IL-COUCH-FAULT'],
  ['exception responses', (e, l) => (linkFaults(e, l).logic.exceptionReplies = 100_000), 'IL-COUCH-MOTION'],
  ['a silent link', (e, l) => (linkFaults(e, l).faults.silent = true), 'IL-COUCH-MOTION'],
  ['slow responses', (e, l) => (linkFaults(e, l).faults.replyDelayMs = 400), 'IL-COUCH-MOTION'],
];

describe.each(['tcp', 'rtu'] as const)('couch faults over Modbus %s', (link) => {
  it('applies and verifies a 6DOF correction', async () => {
    const e = await start(link);
    await approve(e);
    await until(() => state(e) === 'ready', 20_000, 'setup verified, MLC in position'); // a move of seconds at time scale 1, on a loaded machine
    const target = e.session.snapshot.context.approvedCouchTarget!;
    for (const [axis, v] of Object.entries(target)) expect(Math.abs((e.room.couch.pose as unknown as Record<string, number>)[axis] - v)).toBeLessThan(0.01);
  }, 40_000);

  it.each(FAULTS)('detects %s during a move: stops the couch, latches the interlock, journals it', async (_name, inject, interlock) => {
    const e = await start(link);
    if (_name === 'a stalled axis') inject(e, link); // stalls from the start
    await approve(e);
    if (_name !== 'a stalled axis') inject(e, link);
    await until(() => state(e) === 'fault', 5000, 'fault');
    await until(() => !e.room.couch.moving, 3000, 'couch stopped');
    expect(e.session.snapshot.context.latchedFaults).toContain(interlock);
    const j = readJournal(e.journal.file).entries;
    expect(j.some((x) => x.kind === 'state' && (x.data as { to: string }).to === 'fault')).toBe(true);
    if (interlock === 'IL-COUCH-MOTION') expect(j.some((x) => x.kind === 'device-event' && (x.data as { type: string }).type === 'motion-fault')).toBe(true);
  });

  it('detects drift (motion without a command) after setup, and latches', async () => {
    const e = await start(link);
    await approve(e);
    await until(() => state(e) === 'ready', 20_000, 'ready');
    e.room.couch.faults.driftMmPerS = 5;
    await until(() => state(e) === 'fault', 3000, 'fault');
    expect(e.session.snapshot.context.latchedFaults).toContain('IL-COUCH-MOTION');
    expect(e.session.snapshot.context.faultReason).toMatch(/no move commanded/);
  }, 40_000);
});
