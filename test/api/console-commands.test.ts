import { afterEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/journal/journal.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { acquire, call, command, consoleRecords, login, startRig, type Rig } from '../helpers/console-rig.js';
import { examplePlan } from '../helpers/session-harness.js';
import { until } from '../helpers/wait.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const ROLES = ['therapist', 'physician', 'physicist', 'service', 'viewer'] as const;
type Role = (typeof ROLES)[number];

/** The contract's table (CONSOLE-CONTRACT.md, Commands), written out here, not read from the code. */
const CONTRACT: Record<string, { args: Record<string, unknown>; roles: readonly Role[] }> = {
  loadPlan: { args: { planId: 'x' }, roles: ['therapist'] },
  selectBeam: { args: { beamIndex: 0 }, roles: ['therapist'] },
  approveRegistration: { args: { registrationId: 'r' }, roles: ['therapist', 'physician'] },
  rejectRegistration: { args: { registrationId: 'r', reason: 'motion artefact' }, roles: ['therapist', 'physician'] },
  moveCouch: { args: { registrationId: 'r' }, roles: ['therapist'] },
  arm: { args: {}, roles: ['therapist'] },
  beamOn: { args: {}, roles: ['therapist'] },
  hold: { args: {}, roles: ['therapist', 'physician', 'physicist', 'service'] },
  resume: { args: {}, roles: ['therapist'] },
  repositionMlc: { args: {}, roles: ['therapist'] },
  terminate: { args: {}, roles: ['therapist', 'physician', 'physicist', 'service'] },
  acknowledgeInterlock: { args: { id: 'IL-DOOR-OPEN' }, roles: ['therapist'] },
  reset: { args: { reason: 'checked the room' }, roles: ['therapist'] },
  enterQaMode: { args: {}, roles: ['physicist'] },
  leaveQaMode: { args: {}, roles: ['physicist'] },
};

const state = (r: Rig): string => r.room.session.stateName;
const registrations = async (r: Rig, token: string): Promise<any[]> => (await call(r.base, 'GET', '/api/v1/state', { token })).body.registrations;

async function tokens(r: Rig): Promise<Record<Role, string>> {
  const t = {} as Record<Role, string>;
  for (const role of ROLES) t[role] = await login(r.base, role);
  return t;
}

/** Loads the example plan and waits for the registration the imaging simulator sends. */
async function awaitingApproval(r: Rig, t: Record<Role, string>, correction?: Parameters<typeof acquire>[1]): Promise<string> {
  expect((await command(r.base, t.therapist, { type: 'loadPlan', plan: examplePlan })).status).toBe(200);
  return acquireUntilPending(r, correction);
}

/**
 * Images until a registration is pending (as a therapist images again): on a loaded machine a
 * result can be refused, e.g. while a couch readback is late. The refusals are in the journal.
 */
async function acquireUntilPending(r: Rig, correction?: Parameters<typeof acquire>[1]): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const id = acquire(r, correction);
    try {
      await until(() => r.room.session.snapshot.context.pending?.registration.id === id, 3000, 'the registration');
      return id;
    } catch (e) {
      if (attempt === 5) throw e;
    }
  }
}

describe('console commands and roles', { timeout: 60_000 }, () => {
  it('refuses every command to every role the contract does not give it (403 ROLE_FORBIDDEN), journals each refusal, and leaves the session alone', async () => {
    rig = await startRig();
    const t = await tokens(rig);
    const before = rig.facade.stateVersion;
    const sent: Array<{ requestId: string; role: Role; type: string }> = [];
    for (const [type, spec] of Object.entries(CONTRACT)) {
      for (const role of ROLES.filter((x) => !spec.roles.includes(x))) {
        const r = await command(rig.base, t[role], { type, ...spec.args });
        expect([type, role, r.status, r.body.error?.code]).toEqual([type, role, 403, 'ROLE_FORBIDDEN']);
        expect(r.body.error.message).toContain(role);
        sent.push({ requestId: r.requestId!, role, type });
      }
    }
    expect(state(rig)).toBe('idle');
    expect(rig.facade.stateVersion).toBe(before);
    const records = consoleRecords(rig);
    for (const s of sent) expect(records.find((x) => x.requestId === s.requestId)).toMatchObject({ command: s.type, user: `${s.role}-1`, role: s.role, outcome: 'ROLE_FORBIDDEN' });
  });

  it('carries a treatment through: each command accepted in its state, refused (409 REFUSED) with the session\'s reason outside it, all journaled', async () => {
    rig = await startRig();
    const t = await tokens(rig);
    const refusedBeamOn = await command(rig.base, t.therapist, { type: 'beamOn' });
    expect(refusedBeamOn.status).toBe(409);
    expect(refusedBeamOn.body.error).toMatchObject({ code: 'REFUSED' });
    expect(refusedBeamOn.body.error.message).toMatch(/ready.*idle/);
    const id = await awaitingApproval(rig, t);
    expect((await command(rig.base, t.therapist, { type: 'loadPlan', plan: examplePlan })).body.error.message).toMatch(/idle only/);
    expect((await command(rig.base, t.therapist, { type: 'moveCouch', registrationId: id })).body.error.message).toMatch(/not approved/);
    expect((await command(rig.base, t.therapist, { type: 'approveRegistration', registrationId: id })).status).toBe(200);
    expect((await registrations(rig, t.viewer)).find((x) => x.id === id)).toMatchObject({ status: 'approved', approvedBy: { user: 'therapist-1', role: 'therapist' }, moved: false });
    expect((await command(rig.base, t.therapist, { type: 'moveCouch', registrationId: id })).status).toBe(200);
    await until(() => state(rig!) === 'ready', 20_000, 'ready');
    expect((await command(rig.base, t.therapist, { type: 'selectBeam', beamIndex: 1 })).body.error).toMatchObject({ code: 'REFUSED', field: 'beamIndex' });
    expect((await command(rig.base, t.therapist, { type: 'selectBeam', beamIndex: 0 })).status).toBe(200);
    await until(() => state(rig!) === 'ready', 20_000, 'ready again');
    expect((await command(rig.base, t.therapist, { type: 'arm' })).status).toBe(200);
    await until(() => state(rig!) === 'ready', 20_000, 'ready after arm');
    expect((await command(rig.base, t.therapist, { type: 'acknowledgeInterlock', id: 'IL-DOOR-OPEN' })).body.error.message).toMatch(/clear/);
    // a console enables beam-on when every interlock shows clear (the linac's readback of the re-arm included)
    await until(() => (rig!.facade.topic('interlocks') as Array<{ status: string }>).every((i) => i.status === 'clear'), 10_000, 'every interlock clear');
    const on = await command(rig.base, t.therapist, { type: 'beamOn' });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(state(rig)).toBe('beamOn');
    expect((await command(rig.base, t.service, { type: 'hold' })).status).toBe(200);
    expect(state(rig)).toBe('beamHold');
    // the start permit needs the linac's readback of the hold
    await until(() => rig!.room.session.readback().beam?.status.state === BeamState.Held, 5000, 'the linac held');
    const resumed = await command(rig.base, t.therapist, { type: 'resume' });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect((await command(rig.base, t.physician, { type: 'terminate' })).status).toBe(200);
    expect(state(rig)).toBe('aborted');
    const outcomes = consoleRecords(rig).map((r) => `${r.command}:${r.user}:${r.outcome}`);
    expect(outcomes).toEqual([
      'beamOn:therapist-1:REFUSED', 'loadPlan:therapist-1:accepted', 'loadPlan:therapist-1:REFUSED', 'moveCouch:therapist-1:REFUSED', 'approveRegistration:therapist-1:accepted',
      'moveCouch:therapist-1:accepted', 'selectBeam:therapist-1:REFUSED', 'selectBeam:therapist-1:accepted', 'arm:therapist-1:accepted', 'acknowledgeInterlock:therapist-1:REFUSED',
      'beamOn:therapist-1:accepted', 'hold:service-1:accepted', 'resume:therapist-1:accepted', 'terminate:physician-1:accepted',
    ]);
    expect(consoleRecords(rig).every((r) => typeof r.requestId === 'string' && r.requestId.length > 0)).toBe(true);
  });

  it('needs a physician for a review-level correction: a therapist is refused 403, the physician approves, and the statechart journals the physician as approver', async () => {
    rig = await startRig();
    const t = await tokens(rig);
    const id = await awaitingApproval(rig, t, { lateralMm: 4, longitudinalMm: 0.5, verticalMm: 0.5, pitchDeg: 0.2, rollDeg: 0.1, yawDeg: 0.2 });
    expect((await registrations(rig, t.viewer)).find((x) => x.id === id).classification).toBe('review');
    const byTherapist = await command(rig.base, t.therapist, { type: 'approveRegistration', registrationId: id });
    expect([byTherapist.status, byTherapist.body.error.code]).toEqual([403, 'ROLE_FORBIDDEN']);
    expect(byTherapist.body.error.message).toMatch(/physician/);
    expect((await command(rig.base, t.physician, { type: 'approveRegistration', registrationId: id })).status).toBe(200);
    expect((await command(rig.base, t.therapist, { type: 'moveCouch', registrationId: id })).status).toBe(200);
    await until(() => state(rig!) !== 'setup.awaitingApproval', 5000, 'the move');
    rig.room.journal.flush?.();
    const approve = readJournal(rig.room.journal.file).entries.find((e) => e.kind === 'operator' && (e.data as any).type === 'APPROVE');
    expect(approve?.data).toMatchObject({ registrationId: id, operator: 'physician-1', role: 'physician' });
  });

  it('refuses approving a superseded registration as stale (409 STALE_STATE) and lets a physician reject the current one', async () => {
    rig = await startRig();
    const t = await tokens(rig);
    const first = await awaitingApproval(rig, t);
    const second = await acquireUntilPending(rig);
    const stale = await command(rig.base, t.therapist, { type: 'approveRegistration', registrationId: first });
    expect([stale.status, stale.body.error.code, stale.body.error.field]).toEqual([409, 'STALE_STATE', 'registrationId']);
    const rejected = await command(rig.base, t.physician, { type: 'rejectRegistration', registrationId: second, reason: 'wrong ROI' });
    expect(rejected.status).toBe(200);
    expect(state(rig)).toBe('setup.awaitingRegistration');
    const list = await registrations(rig, t.viewer);
    expect(list.map((x) => [x.id, x.status])).toEqual([[first, 'superseded'], [second, 'rejected']]);
    expect(consoleRecords(rig).find((r) => r.command === 'rejectRegistration')).toMatchObject({ user: 'physician-1', reason: 'wrong ROI', outcome: 'accepted' });
  });

  it('lets no role override a latched safety interlock: reset is refused while the e-stop is pressed, accepted with a journaled reason once released', async () => {
    rig = await startRig();
    const t = await tokens(rig);
    await awaitingApproval(rig, t);
    rig.room.room.beam.room.emergencyStop = true;
    await until(() => state(rig!) === 'fault', 10_000, 'the fault');
    for (const role of ['physician', 'physicist', 'service', 'viewer'] as const) expect((await command(rig.base, t[role], { type: 'reset', reason: 'override' })).status).toBe(403);
    expect((await command(rig.base, t.therapist, { type: 'acknowledgeInterlock', id: 'IL-EMERGENCY-STOP' })).status).toBe(200);
    expect((await command(rig.base, t.therapist, { type: 'reset' })).body.error).toMatchObject({ code: 'INPUT_INVALID', field: 'reason' });
    const refused = await command(rig.base, t.therapist, { type: 'reset', reason: 'try anyway' });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'REFUSED']);
    expect(refused.body.error.message).toContain('IL-EMERGENCY-STOP');
    expect(state(rig)).toBe('fault');
    rig.room.room.beam.room.emergencyStop = false;
    await until(() => rig!.room.session.readback().beam?.status.emergencyStop === false, 5000, 'the release');
    const reset = await command(rig.base, t.therapist, { type: 'reset', reason: 'e-stop released after checking the room' });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(state(rig)).toBe('aborted');
    expect(consoleRecords(rig).filter((r) => r.command === 'reset').map((r) => [r.role, r.outcome, r.reason])).toEqual([
      ['physician', 'ROLE_FORBIDDEN', 'override'], ['physicist', 'ROLE_FORBIDDEN', 'override'], ['service', 'ROLE_FORBIDDEN', 'override'], ['viewer', 'ROLE_FORBIDDEN', 'override'],
      ['therapist', 'INPUT_INVALID', undefined], ['therapist', 'REFUSED', 'try anyway'], ['therapist', 'accepted', 'e-stop released after checking the room'],
    ]);
  });

  it('lets a physicist (and nobody else) enter QA mode with no plan loaded, refuses it with a plan, and leaves it to idle', async () => {
    rig = await startRig();
    const t = await tokens(rig);
    for (const role of ['therapist', 'physician', 'service', 'viewer'] as const) {
      const r = await command(rig.base, t[role], { type: 'enterQaMode' });
      expect([r.status, r.body.error.code]).toEqual([403, 'ROLE_FORBIDDEN']);
    }
    expect(state(rig)).toBe('idle');
    const notIn = await command(rig.base, t.physicist, { type: 'leaveQaMode' });
    expect([notIn.status, notIn.body.error.code]).toEqual([409, 'REFUSED']);
    const enter = await command(rig.base, t.physicist, { type: 'enterQaMode' });
    expect(enter.status, JSON.stringify(enter.body)).toBe(200);
    expect(state(rig).startsWith('qa')).toBe(true);
    const leave = await command(rig.base, t.physicist, { type: 'leaveQaMode' });
    expect(leave.status, JSON.stringify(leave.body)).toBe(200);
    expect(state(rig)).toBe('idle');
    // with a patient plan loaded QA mode is refused, naming why
    const load = await command(rig.base, t.therapist, { type: 'loadPlan', plan: examplePlan });
    expect(load.status, JSON.stringify(load.body)).toBe(200);
    const withPlan = await command(rig.base, t.physicist, { type: 'enterQaMode' });
    expect([withPlan.status, withPlan.body.error.code]).toEqual([409, 'REFUSED']);
    expect(withPlan.body.error.message).toMatch(/QA mode|not accepted/);
    expect(state(rig).startsWith('qa')).toBe(false);
  });
});
