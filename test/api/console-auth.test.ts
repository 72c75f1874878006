import { afterEach, describe, expect, it } from 'vitest';
import { Snapshot, WsServerMessage } from '../../src/api/api-schemas.js';
import { TokenStore } from '../../src/api/token-store.js';
import { call, LiveClient, login, PASSWORD, startRig, type Rig } from '../helpers/console-rig.js';
import { until } from '../helpers/wait.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('console API: who gets in', () => {
  it('gives an unauthenticated client nothing but 401 on every protected route, with a request id', async () => {
    rig = await startRig();
    for (const [method, route] of [['GET', '/api/v1/state'], ['POST', '/api/v1/commands'], ['GET', '/api/v1/nothing-here']] as const) {
      const r = await call(rig.base, method, route, { body: method === 'POST' ? { type: 'hold' } : undefined });
      expect(r.status).toBe(401);
      expect(Object.keys(r.body).sort()).toEqual(['error', 'requestId']);
      expect(r.body.error.code).toBe('AUTH_REQUIRED');
      expect(r.requestId).toBe(r.body.requestId);
    }
    const bad = await call(rig.base, 'GET', '/api/v1/state', { token: 'not-a-token' });
    expect(bad.status).toBe(401);
  });

  it('echoes a client request id and answers version and the OpenAPI document without a token', async () => {
    rig = await startRig();
    const v = await call(rig.base, 'GET', '/api/v1/version', { requestId: 'req-42' });
    expect(v).toMatchObject({ status: 200, requestId: 'req-42', body: { apiVersion: '1', software: 'test' } });
    const o = await call(rig.base, 'GET', '/api/v1/openapi.json');
    expect(o.body.openapi).toBe('3.1.0');
    expect(Object.keys(o.body.paths)).toEqual(expect.arrayContaining(['/api/v1/login', '/api/v1/state', '/api/v1/commands', '/api/v1/live']));
    // generated from the same schema the API validates with: every command type is in it
    const commandTypes = o.body.components.schemas.Command.oneOf.map((s: any) => s.properties.type.const);
    expect(commandTypes).toEqual(expect.arrayContaining(['loadPlan', 'approveRegistration', 'moveCouch', 'beamOn', 'hold', 'resume', 'repositionMlc', 'reset', 'enterQaMode']));
  });

  it('refuses a wrong password and an unknown user alike (401 AUTH_FAILED), and logs in a known one with its role', async () => {
    rig = await startRig();
    const wrong = await call(rig.base, 'POST', '/api/v1/login', { body: { username: 'therapist-1', password: 'not the password' } });
    const unknown = await call(rig.base, 'POST', '/api/v1/login', { body: { username: 'nobody', password: PASSWORD } });
    expect([wrong.status, wrong.body.error.code, unknown.status, unknown.body.error.code]).toEqual([401, 'AUTH_FAILED', 401, 'AUTH_FAILED']);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    const ok = await call(rig.base, 'POST', '/api/v1/login', { body: { username: 'physician-1', password: PASSWORD } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user: 'physician-1', role: 'physician' });
    expect(Date.parse(ok.body.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('lets nobody in when there is no users file (no default account)', async () => {
    rig = await startRig({ users: false });
    for (const username of ['admin', 'therapist-1', 'root']) {
      const r = await call(rig.base, 'POST', '/api/v1/login', { body: { username, password: PASSWORD } });
      expect(r.status).toBe(401);
    }
  });

  it('stops honouring a token once it expires', async () => {
    let now = 1_000_000;
    rig = await startRig({ tokens: new TokenStore(60_000, () => now) });
    const token = await login(rig.base, 'viewer');
    expect((await call(rig.base, 'GET', '/api/v1/state', { token })).status).toBe(200);
    now += 60_000;
    expect((await call(rig.base, 'GET', '/api/v1/state', { token })).status).toBe(401);
  });

  it('sends a WebSocket client nothing but auth-failed until a valid token, then hello and a snapshot matching the schema', async () => {
    rig = await startRig();
    const anon = await LiveClient.open(rig.base);
    anon.ws.send(JSON.stringify({ type: 'ping' }));
    await until(() => anon.closeCode !== undefined, 5000, 'the unauthenticated socket to close');
    expect(anon.messages).toEqual([{ type: 'auth-failed' }]);
    const forged = await LiveClient.open(rig.base);
    forged.ws.send(JSON.stringify({ type: 'auth', token: 'forged' }));
    await until(() => forged.closeCode !== undefined, 5000, 'the forged socket to close');
    expect(forged.messages).toEqual([{ type: 'auth-failed' }]);

    const live = await LiveClient.authed(rig.base, await login(rig.base, 'viewer'));
    expect(live.messages[0]).toEqual({ type: 'hello', apiVersion: '1', user: 'viewer-1', role: 'viewer' });
    const snap = live.messages[1];
    expect(WsServerMessage.safeParse(snap).success).toBe(true);
    expect(Snapshot.parse(snap.data).session.state).toBe('idle');
    await until(() => live.latest('beam') !== undefined, 5000, 'a beam update');
    for (const m of live.messages) expect(WsServerMessage.safeParse(m).success, JSON.stringify(m).slice(0, 200)).toBe(true);
    live.close();
  });
});
