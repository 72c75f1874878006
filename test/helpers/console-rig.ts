/**
 * The console API in-process over a real embedded room (simulators on loopback TCP): a
 * facade and server on port 0, a users file with one user per role, and small HTTP and
 * WebSocket clients. Password hashing uses scrypt with a small N here (the file records it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { relaxedLinks } from './relaxed-links.js';
import { ConsoleServer } from '../../src/api/console-server.js';
import { TokenStore } from '../../src/api/token-store.js';
import { addUser } from '../../src/api/users-file.js';
import { CONSOLE_ROLES, type ConsoleRole } from '../../src/bridge/facade/console-commands.js';
import { SessionFacade } from '../../src/bridge/facade/session-facade.js';
import type { EmbeddedRoom } from '../../src/cli/embedded-room.js';
import { systemClock } from '../../src/core/clock.js';
import { readJournal } from '../../src/journal/journal.js';
import { startRoom } from './embedded.js';
import { until } from './wait.js';

export const PASSWORD = 'correct horse battery staple';
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1, keyLen: 64 };

export async function writeUsers(file: string, roles: readonly ConsoleRole[] = CONSOLE_ROLES): Promise<void> {
  for (const role of roles) await addUser(file, `${role}-1`, role, PASSWORD, TEST_SCRYPT);
}

export interface Rig {
  readonly room: EmbeddedRoom;
  readonly facade: SessionFacade;
  readonly server: ConsoleServer;
  readonly base: string;
  readonly usersFile: string;
  close(): Promise<void>;
}

export { relaxedLinks } from './relaxed-links.js';

export async function startRig(opts: { users?: boolean; tokens?: TokenStore; patch?: (b: any) => void } = {}): Promise<Rig> {
  const room = await startRoom({}, (b) => {
    relaxedLinks(b);
    opts.patch?.(b);
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-console-'));
  const usersFile = path.join(dir, 'users.json');
  if (opts.users !== false) await writeUsers(usersFile);
  const facade = new SessionFacade(room.session, { config: room.session.config, clock: systemClock }).start();
  const server = new ConsoleServer({ facade, tokens: opts.tokens ?? new TokenStore(3_600_000), usersFile, software: 'test', clock: systemClock });
  const port = await server.listen(0, '127.0.0.1');
  return {
    room, facade, server, base: `http://127.0.0.1:${port}`, usersFile,
    async close() {
      await server.close();
      facade.stop();
      await room.close();
    },
  };
}

export interface Reply {
  readonly status: number;
  readonly body: any;
  readonly requestId: string | null;
}

export async function call(base: string, method: string, route: string, o: { token?: string; body?: unknown; raw?: string; requestId?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.requestId) headers['x-request-id'] = o.requestId;
  const res = await fetch(`${base}${route}`, { method, headers, body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, requestId: res.headers.get('x-request-id') };
}

export async function login(base: string, role: ConsoleRole): Promise<string> {
  const r = await call(base, 'POST', '/api/v1/login', { body: { username: `${role}-1`, password: PASSWORD } });
  if (r.status !== 200) throw new Error(`login ${role}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token as string;
}

/** Sends a command based on the current state version (read from /state unless given). */
export async function command(base: string, token: string, cmd: Record<string, unknown>, basedOn?: number): Promise<Reply> {
  const version = basedOn ?? (await call(base, 'GET', '/api/v1/state', { token })).body.stateVersion;
  return call(base, 'POST', '/api/v1/commands', { token, body: { basedOnStateVersion: version, ...cmd } });
}

/** A live WebSocket client recording every message it receives. */
export class LiveClient {
  readonly messages: any[] = [];
  closeCode: number | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.messages.push(JSON.parse(d.toString())));
    ws.on('close', (code) => (this.closeCode = code));
  }

  static async open(base: string): Promise<LiveClient> {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/live`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new LiveClient(ws);
  }

  static async authed(base: string, token: string): Promise<LiveClient> {
    const c = await LiveClient.open(base);
    c.ws.send(JSON.stringify({ type: 'auth', token }));
    await until(() => c.messages.some((m) => m.type === 'snapshot'), 10_000, 'the snapshot');
    return c;
  }

  latest(topic: string): any {
    for (let i = this.messages.length - 1; i >= 0; i--) if (this.messages[i].type === 'update' && this.messages[i].topic === topic) return this.messages[i];
    return undefined;
  }

  /** The session part as last seen (update or snapshot). */
  session(): any {
    return this.latest('session')?.data ?? this.messages.find((m) => m.type === 'snapshot')?.data.session;
  }

  close(): void {
    this.ws.close();
  }
}

/** The console command records of the rig's journal. */
export function consoleRecords(rig: Rig): any[] {
  rig.room.journal.flush?.();
  return readJournal(rig.room.journal.file).entries.filter((e) => e.kind === 'operator' && (e.data as any).type === 'CONSOLE_COMMAND').map((e) => e.data);
}

/** A registration as the imaging simulator sends it, for the loaded plan. */
export function acquire(rig: Rig, correction = { lateralMm: 1.5, longitudinalMm: -1, verticalMm: 0.8, pitchDeg: 0.4, rollDeg: -0.3, yawDeg: 0.5 }): string {
  const plan = rig.room.session.snapshot.context.plan!;
  return rig.room.room.imaging.acquire({ patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction }, correction).id;
}
