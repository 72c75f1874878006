/**
 * The console API over HTTP(S) (node:http, no framework): login, version, OpenAPI, state,
 * commands, the live WebSocket, and the web console's static files. Every response carries
 * x-request-id; every /api/v1 route but login, version and openapi.json needs a bearer token,
 * checked before the body is read. Routes: docs/console-api.md.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SessionFacade } from '../bridge/facade/session-facade.js';
import type { Clock } from '../core/clock.js';
import { API_VERSION, LoginRequest } from './api-schemas.js';
import { bearerToken, readJsonBody, requestIdOf, sendError, sendJson } from './http-io.js';
import { LiveHub } from './live-hub.js';
import { openApiDocument } from './openapi.js';
import { RateLimiter } from './rate-limiter.js';
import { serveStatic } from './static-files.js';
import type { TokenStore } from './token-store.js';
import { authenticate, readUsers } from './users-file.js';

const LOGIN_LIMITS = { maxBytes: 4096, maxDepth: 2 };
/** A command with an inline plan is the largest request: a plan's own limit. */
const COMMAND_LIMITS = { maxBytes: 16 * 1024 * 1024, maxDepth: 32 };

export interface ConsoleServerOptions {
  readonly facade: SessionFacade;
  readonly tokens: TokenStore;
  readonly usersFile: string;
  readonly software: string;
  readonly clock: Clock;
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  /** Folder of the web console's static files (absent: only the API). */
  readonly webRoot?: string;
  /** Live update period: the control cycle, ms. */
  readonly periodMs?: number;
}

export class ConsoleServer {
  readonly live: LiveHub;
  private readonly server: http.Server;
  private readonly logins: RateLimiter;
  private readonly commands: RateLimiter;
  private readonly openapi: string;

  constructor(private readonly o: ConsoleServerOptions) {
    this.live = new LiveHub(o.facade, o.tokens, o.clock, o.periodMs);
    this.logins = new RateLimiter(10, 1, () => o.clock.nowMs());
    this.commands = new RateLimiter(20, 10, () => o.clock.nowMs());
    this.openapi = JSON.stringify(openApiDocument(o.software));
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.route(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(res, 500, requestIdOf(req), { code: 'INTERNAL', message: 'internal error' });
      process.emitWarning(`console API: ${(e as Error)?.stack ?? String(e)}`);
    });
    this.server = o.tls ? https.createServer({ cert: o.tls.cert, key: o.tls.key }, handler) : http.createServer(handler);
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    this.server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://x').pathname === '/api/v1/live') this.live.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.live.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const id = requestIdOf(req);
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (!p.startsWith('/api/')) return serveStatic(req, res, id, this.o.webRoot);
    if (req.method === 'GET' && p === '/api/v1/version') return sendJson(res, 200, id, { apiVersion: API_VERSION, software: this.o.software });
    if (req.method === 'GET' && p === '/api/v1/openapi.json') return sendJson(res, 200, id, JSON.parse(this.openapi));
    if (req.method === 'POST' && p === '/api/v1/login') return this.login(req, res, id);
    // everything else: a valid token first, or 401 and nothing else (the body is not read)
    const identity = this.o.tokens.verify(bearerToken(req));
    if (!identity) {
      req.resume();
      return sendError(res, 401, id, { code: 'AUTH_REQUIRED', message: 'log in first: Authorization: Bearer <token>' });
    }
    if (req.method === 'GET' && p === '/api/v1/state') return sendJson(res, 200, id, this.o.facade.snapshot());
    if (req.method === 'POST' && p === '/api/v1/commands') {
      if (!this.commands.take(identity.user)) return sendError(res, 429, id, { code: 'RATE_LIMITED', message: 'too many commands; wait a moment' });
      const body = await readJsonBody(req, COMMAND_LIMITS);
      if (!body.ok) return sendError(res, body.status, id, body.error);
      const r = await this.o.facade.execute(body.value, identity, id);
      if (r.ok) return sendJson(res, 200, id, { requestId: id, accepted: true, stateVersion: r.stateVersion });
      const status = r.code === 'INPUT_INVALID' ? 400 : r.code === 'ROLE_FORBIDDEN' ? 403 : 409;
      return sendJson(res, status, id, { error: { code: r.code, message: r.message, field: r.field, limit: r.limit }, requestId: id, stateVersion: r.stateVersion });
    }
    req.resume();
    return sendError(res, 404, id, { code: 'NOT_FOUND', message: `no route ${req.method} ${p.slice(0, 100)}` });
  }

  private async login(req: http.IncomingMessage, res: http.ServerResponse, id: string): Promise<void> {
    if (!this.logins.take(req.socket.remoteAddress ?? '?')) {
      req.resume();
      return sendError(res, 429, id, { code: 'RATE_LIMITED', message: 'too many login attempts; wait a moment' });
    }
    const body = await readJsonBody(req, LOGIN_LIMITS);
    if (!body.ok) return sendError(res, body.status, id, body.error);
    const parsed = LoginRequest.safeParse(body.value);
    if (!parsed.success) return sendError(res, 400, id, { code: 'INPUT_INVALID', message: parsed.error.issues[0].message, field: parsed.error.issues[0].path.join('.') || 'body' });
    // read on every login: `linac-bridge user add` takes effect without a restart; no file, no users
    const user = await authenticate(readUsers(this.o.usersFile), parsed.data.username, parsed.data.password);
    if (!user) return sendError(res, 401, id, { code: 'AUTH_FAILED', message: 'unknown user or wrong password' });
    const t = this.o.tokens.issue({ user: user.name, role: user.role });
    return sendJson(res, 200, id, { token: t.token, user: user.name, role: user.role, expiresAt: new Date(t.expiresAtMs).toISOString() });
  }
}
