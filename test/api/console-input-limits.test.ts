import { afterEach, describe, expect, it } from 'vitest';
import { call, command, consoleRecords, LiveClient, login, startRig, type Rig } from '../helpers/console-rig.js';
import { examplePlan } from '../helpers/session-harness.js';
import { until } from '../helpers/wait.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const post = (r: Rig, token: string, raw: string) => call(r.base, 'POST', '/api/v1/commands', { token, raw });

describe('console API: malformed and oversized input', () => {
  it('rejects malformed, too deep, too large and wrongly shaped commands over HTTP, naming the field, without touching the session', async () => {
    rig = await startRig();
    const token = await login(rig.base, 'therapist');
    const version = rig.facade.stateVersion;
    const cases: Array<[string, number, string, string | undefined]> = [
      ['{"type":"beamOn",', 400, 'INPUT_INVALID', 'body'],
      [`${'['.repeat(100)}${']'.repeat(100)}`, 400, 'LIMIT_EXCEEDED', 'body.depth'],
      [JSON.stringify({ type: 'loadPlan', basedOnStateVersion: version, plan: 'x'.repeat(17 * 1024 * 1024) }), 413, 'LIMIT_EXCEEDED', 'body.bytes'],
      [JSON.stringify({ type: 'selfDestruct', basedOnStateVersion: version }), 400, 'INPUT_INVALID', 'type'],
      [JSON.stringify({ type: 'beamOn', basedOnStateVersion: version, role: 'physician' }), 400, 'INPUT_INVALID', ''],
      [JSON.stringify({ type: 'beamOn', basedOnStateVersion: -1 }), 400, 'INPUT_INVALID', 'basedOnStateVersion'],
      [JSON.stringify({ type: 'loadPlan', basedOnStateVersion: version, plan: { ...examplePlan, beams: [] } }), 400, 'INPUT_INVALID', undefined],
    ];
    for (const [raw, status, code, field] of cases) {
      const r = await post(rig, token, raw);
      expect([raw.slice(0, 40), r.status, r.body.error.code]).toEqual([raw.slice(0, 40), status, code]);
      if (field !== undefined && field !== '') expect(r.body.error.field).toBe(field);
    }
    // a role in a command is an unknown key: refused, never read
    expect(rig.room.session.stateName).toBe('idle');
    expect(rig.facade.stateVersion).toBe(version);
    // the ones that parsed as JSON reached the facade and are journaled as invalid, with the user
    expect(consoleRecords(rig).map((r) => [r.user, r.outcome])).toEqual(Array(4).fill(['therapist-1', 'INPUT_INVALID']));
  });

  it('refuses an oversized login body (413) and malformed login JSON (400)', async () => {
    rig = await startRig();
    expect((await call(rig.base, 'POST', '/api/v1/login', { raw: JSON.stringify({ username: 'a', password: 'x'.repeat(10_000) }) })).status).toBe(413);
    expect((await call(rig.base, 'POST', '/api/v1/login', { raw: '{"username":' })).status).toBe(400);
    expect((await call(rig.base, 'POST', '/api/v1/login', { body: { username: 'a', password: 'b', role: 'physician' } })).status).toBe(400);
  });

  it('answers a malformed WebSocket message with an error and closes a socket that sends an oversized one, while another client keeps its updates', async () => {
    rig = await startRig();
    const token = await login(rig.base, 'viewer');
    const a = await LiveClient.authed(rig.base, token);
    const b = await LiveClient.authed(rig.base, token);
    const version = rig.facade.stateVersion;
    a.ws.send('{"type":');
    a.ws.send(JSON.stringify({ type: 'beamOn', basedOnStateVersion: version }));
    a.ws.send(JSON.stringify({ type: 'ping', id: 'p1' }));
    await until(() => a.messages.some((m) => m.type === 'pong'), 5000, 'the pong');
    expect(a.messages.filter((m) => m.type === 'error').map((m) => m.error.code)).toEqual(['INPUT_INVALID', 'INPUT_INVALID']);
    a.ws.send(JSON.stringify({ type: 'ping', id: 'x'.repeat(10_000) }));
    await until(() => a.closeCode !== undefined, 5000, 'the oversized socket to close');
    expect(a.closeCode).toBe(1009);
    const seen = b.messages.length;
    await until(() => b.messages.length > seen + 5, 5000, 'more updates for the other client');
    expect(rig.room.session.stateName).toBe('idle');
    expect(rig.facade.stateVersion).toBe(version);
    b.close();
  });
});

describe('console API: shared state and stale commands', () => {
  it('shows two clients the same state version and session after a command, and refuses a command based on an older version (409 STALE_STATE)', async () => {
    rig = await startRig();
    const therapist = await login(rig.base, 'therapist');
    const a = await LiveClient.authed(rig.base, therapist);
    const b = await LiveClient.authed(rig.base, await login(rig.base, 'physician'));
    const old = rig.facade.stateVersion;
    const loaded = await command(rig.base, therapist, { type: 'loadPlan', plan: examplePlan }, old);
    expect(loaded.status).toBe(200);
    const v = loaded.body.stateVersion;
    expect(v).toBeGreaterThan(old);
    await until(() => a.session()?.state === 'setup.awaitingRegistration' && b.session()?.state === 'setup.awaitingRegistration', 5000, 'both clients to see setup');
    expect(a.latest('session').stateVersion).toBe(b.latest('session').stateVersion);
    expect(a.session()).toEqual(b.session());
    const stale = await command(rig.base, therapist, { type: 'rejectRegistration', registrationId: 'r', reason: 'stale' }, old);
    expect([stale.status, stale.body.error.code, stale.body.error.field]).toEqual([409, 'STALE_STATE', 'basedOnStateVersion']);
    expect(consoleRecords(rig).at(-1)).toMatchObject({ outcome: 'STALE_STATE', user: 'therapist-1' });
    a.close();
    b.close();
  });

  it('never refuses a hold or a terminate as stale (safety commands need no state version)', async () => {
    rig = await startRig();
    const service = await login(rig.base, 'service');
    const hold = await call(rig.base, 'POST', '/api/v1/commands', { token: service, body: { type: 'hold' } });
    expect(hold.body.error.code).toBe('REFUSED'); // nothing to hold in idle: refused by the session, not as stale
    const terminate = await call(rig.base, 'POST', '/api/v1/commands', { token: service, body: { type: 'terminate', basedOnStateVersion: 0 } });
    expect(terminate.status).toBe(200);
    expect(rig.room.session.stateName).toBe('aborted');
  });
});
