/**
 * The MLC controller restarts mid-beam (its connection drops and it powers up with its leaves
 * closed), over real transports: the embedded simulators on loopback TCP, the console API over
 * HTTP. The beam holds; once the link is fresh again RESUME is still refused on
 * IL-MLC-NOT-IN-POSITION; the therapist's repositionMlc re-sends the segment's leaves, the
 * readback reaches them, the beam stays held until the therapist resumes, and the fraction
 * completes with each beam's MU on both channels within 0.1 MU of the plan file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/journal/journal.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { root } from '../helpers/cli-process.js';
import { acquire, command, consoleRecords, login, startRig, type Rig } from '../helpers/console-rig.js';
import { examplePlan } from '../helpers/session-harness.js';
import { until } from '../helpers/wait.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The plan's MU per beam, summed from the plan file (what the bridge was asked to deliver). */
const planFile = JSON.parse(fs.readFileSync(path.join(root, 'examples/two-beam-step-and-shoot.json'), 'utf8'));
const plannedMu = new Map<number, number>(planFile.beams.map((b: any) => [b.id, b.segments.reduce((s: number, g: any) => s + g.mu, 0)]));
const TOLERANCE_MU = 0.1;

const state = (r: Rig): string => r.room.session.stateName;
const interlocks = (r: Rig) => r.facade.topic('interlocks') as Array<{ id: string; status: string }>;
const allClear = (r: Rig) => interlocks(r).every((i) => i.status === 'clear');
const active = (r: Rig, id: string) => interlocks(r).find((i) => i.id === id)?.status === 'active';
const linac = (r: Rig) => r.room.room.beam.status;

async function ok(p: Promise<{ status: number; body: any }>, what: string): Promise<void> {
  const r = await p;
  expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(200);
}

/** Waits for `cond`; a hold the loaded machine causes (stale links only) is resumed, at most five times, each logged. */
async function untilResumingLoadHolds(r: Rig, token: string, cond: () => boolean, what: string): Promise<void> {
  for (let resumes = 0; ; resumes++) {
    await until(() => cond() || (state(r) === 'beamHold' && allClear(r)), 60_000, what);
    if (cond()) return;
    const causes = r.room.session.snapshot.context.holdCauses;
    expect(causes.every((c) => c.endsWith('-STALE') || c === 'IL-BEAM-NOT-READY'), `a hold not caused by load: ${causes.join(', ')}`).toBe(true);
    expect(resumes, 'load holds resumed').toBeLessThan(5);
    console.log(`load hold (${causes.join(', ')}) resumed while waiting for ${what}`);
    await ok(command(r.base, token, { type: 'resume' }), 'resume after a load hold');
  }
}

/** Loads the example plan, approves the simulated registration and moves the couch: ready, every interlock clear. */
async function toReady(r: Rig, rtt: string): Promise<void> {
  await ok(command(r.base, rtt, { type: 'loadPlan', plan: examplePlan }), 'loadPlan');
  for (let attempt = 1; r.room.session.snapshot.context.pending === undefined; attempt++) {
    const id = acquire(r);
    await until(() => r.room.session.snapshot.context.pending?.registration.id === id, 3000, 'the registration').catch((e) => {
      if (attempt === 5) throw e;
    });
  }
  const reg = r.room.session.snapshot.context.pending!.registration.id;
  await ok(command(r.base, rtt, { type: 'approveRegistration', registrationId: reg }), 'approve');
  await ok(command(r.base, rtt, { type: 'moveCouch', registrationId: reg }), 'moveCouch');
  await until(() => state(r) === 'ready' && allClear(r), 30_000, 'ready, every interlock clear');
}

describe('repositionMlc refusals through the console API', () => {
  it('is refused (409 REFUSED) naming session.state when no beam is held and links.mlc while the MLC link is stale, each attempt journaled with user and role', async () => {
    rig = await startRig();
    const r = rig;
    const rtt = await login(r.base, 'therapist');
    const idle = await command(r.base, rtt, { type: 'repositionMlc' });
    expect([idle.status, idle.body.error.code, idle.body.error.field]).toEqual([409, 'REFUSED', 'session.state']);
    expect(idle.body.error.message).toMatch(/held/);
    await toReady(r, rtt);
    const ready = await command(r.base, rtt, { type: 'repositionMlc' });
    expect([ready.status, ready.body.error.field]).toEqual([409, 'session.state']);
    await ok(command(r.base, rtt, { type: 'beamOn' }), 'beamOn'); // (refused in beamOn too: test/interlock/mlc-reposition.test.ts)
    r.room.room.mlcHost.faults.silent = true; // the MLC controller stops answering
    await until(() => state(r) === 'beamHold' && !r.room.session.readback().fresh.mlc, 10_000, 'the hold on a stale MLC link');
    const stale = await command(r.base, rtt, { type: 'repositionMlc' });
    expect([stale.status, stale.body.error.code, stale.body.error.field]).toEqual([409, 'REFUSED', 'links.mlc']);
    expect(state(r)).toBe('beamHold');
    expect(consoleRecords(r).filter((c) => c.command === 'repositionMlc').map((c) => `${c.user}:${c.role}:${c.outcome}`)).toEqual(new Array(3).fill('therapist-1:therapist:REFUSED'));
    r.room.journal.flush?.();
    const entries = readJournal(r.room.journal.file).entries;
    expect(entries.filter((e) => e.kind === 'operator' && (e.data as any).type === 'REPOSITION_MLC').map((e) => `${(e.data as any).operator}:${(e.data as any).role}`)).toEqual(new Array(3).fill('therapist-1:therapist'));
    expect(entries.filter((e) => e.kind === 'notice' && (e.data as any).kind === 'mlc-reposition-refused').map((e) => (e.data as any).field)).toEqual(['session.state', 'session.state', 'links.mlc']);
    expect(entries.some((e) => e.kind === 'command' && (e.data as any).reposition)).toBe(false);
  }, 120_000);
});

describe('an MLC controller restarted while the beam is held, recovered through the console API', () => {
  it('refuses RESUME on IL-MLC-NOT-IN-POSITION, repositions the leaves on the therapist\'s command with the beam still held, and completes the fraction within 0.1 MU per beam after RESUME', async () => {
    rig = await startRig();
    const r = rig;
    const rtt = await login(r.base, 'therapist');
    const phys = await login(r.base, 'physicist');
    await toReady(r, rtt);
    await ok(command(r.base, rtt, { type: 'beamOn' }), 'beamOn');
    // mid-beam, into the second segment of the first beam (18 MU + 4)
    await untilResumingLoadHolds(r, rtt, () => linac(r).state === BeamState.BeamOn && linac(r).mu1 > 22, 'the second segment on');

    // the controller restarts: its connection drops, and it powers up with its leaves closed
    r.room.room.mlc.powerCycle();
    r.room.room.mlcHost.host.dropConnections();
    await until(() => state(r) === 'beamHold', 10_000, 'the hold');
    expect(r.room.session.snapshot.context.holdCauses).toContain('IL-MLC-STALE');
    await until(() => r.room.session.readback().fresh.mlc && active(r, 'IL-MLC-NOT-IN-POSITION') && !active(r, 'IL-MLC-STALE'), 10_000, 'the link fresh again, the leaves reported out of position');
    await until(() => linac(r).state === BeamState.Held, 10_000, 'the linac held (readback)');
    const segment = r.room.session.snapshot.context.segmentIndex;
    const heldAtMu = linac(r).mu1;

    const refused = await command(r.base, rtt, { type: 'resume' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('IL-MLC-NOT-IN-POSITION');
    const byPhysicist = await command(r.base, phys, { type: 'repositionMlc' });
    expect([byPhysicist.status, byPhysicist.body.error.code]).toEqual([403, 'ROLE_FORBIDDEN']);

    await ok(command(r.base, rtt, { type: 'repositionMlc' }), 'repositionMlc');
    await until(() => allClear(r), 10_000, 'the readback in position: every interlock clear');
    // in position, and still held: nothing resumes without the therapist
    const expected = r.room.session.snapshot.context.expectedLeaves!;
    const actual = r.room.room.mlc.positions;
    const errorMm = Math.max(...expected.bankAMm.map((v, i) => Math.abs(actual.bankAMm[i] - v)), ...expected.bankBMm.map((v, i) => Math.abs(actual.bankBMm[i] - v)));
    expect(errorMm).toBeLessThanOrEqual(r.room.session.config.mlc.positionToleranceMm);
    // time passes, marked by the device: ten more MLC readbacks
    let readbacks = 0;
    const sub = r.room.session.drivers.mlc.snapshot$.subscribe(() => readbacks++);
    await until(() => readbacks >= 10, 10_000, 'ten more MLC readbacks').finally(() => sub.unsubscribe());
    expect(state(r)).toBe('beamHold');
    expect(linac(r)).toMatchObject({ state: BeamState.Held, mu1: heldAtMu });
    expect(r.room.session.snapshot.context.segmentIndex).toBe(segment);

    await ok(command(r.base, rtt, { type: 'resume' }), 'resume');
    await untilResumingLoadHolds(r, rtt, () => state(r) === 'ready' || state(r) === 'fractionComplete', 'the first beam delivered');
    if (state(r) === 'ready') {
      await until(() => allClear(r), 30_000, 'every interlock clear for the second beam');
      await ok(command(r.base, rtt, { type: 'beamOn' }), 'beamOn, second beam');
    }
    await untilResumingLoadHolds(r, rtt, () => state(r) === 'fractionComplete', 'the fraction complete');

    r.room.journal.flush?.();
    const entries = readJournal(r.room.journal.file).entries;
    const complete = new Map<number, { mu1: number; mu2: number }>();
    for (const e of entries) if (e.kind === 'mu-checkpoint' && (e.data as any).state === 'Complete') complete.set((e.data as any).beamId, e.data as any);
    expect([...complete.keys()].sort()).toEqual([...plannedMu.keys()].sort());
    for (const [id, mu] of plannedMu) {
      expect(Math.abs(complete.get(id)!.mu1 - mu), `beam ${id} channel 1`).toBeLessThanOrEqual(TOLERANCE_MU);
      expect(Math.abs(complete.get(id)!.mu2 - mu), `beam ${id} channel 2`).toBeLessThanOrEqual(TOLERANCE_MU);
    }
    // every attempt journaled with user and role: the console command, the operator event, the session's answer
    const commands = consoleRecords(r).filter((c) => c.command === 'repositionMlc').map((c) => `${c.user}:${c.role}:${c.outcome}`);
    expect(commands).toEqual(['physicist-1:physicist:ROLE_FORBIDDEN', 'therapist-1:therapist:accepted']);
    expect(entries.filter((e) => e.kind === 'operator' && (e.data as any).type === 'REPOSITION_MLC').map((e) => e.data)).toEqual([expect.objectContaining({ operator: 'therapist-1', role: 'therapist' })]);
    expect(entries.find((e) => e.kind === 'notice' && (e.data as any).kind === 'mlc-repositioned')?.data).toMatchObject({ operator: 'therapist-1', beamId: 1, segment });
    const moves = entries.filter((e) => e.kind === 'command' && (e.data as any).command === 'MOVE_MLC' && (e.data as any).reposition);
    expect(moves.map((e) => (e.data as any).segment)).toEqual([segment]);
  }, 180_000);
});
