/**
 * The live WebSocket (`/api/v1/live`): a client sends its token first and gets nothing but
 * `auth-failed` until it is accepted; then `hello`, a full snapshot, and topic updates.
 * Updates are built once per topic and sent to every client (fan-out), every `periodMs` (the
 * control cycle, 20 ms), coalesced: a topic that changed several times in a period is sent
 * once with its latest data; unchanged on-change topics are not re-sent. The beam topic is
 * sampled when the linac reports, and only samples of the same beam and state are coalesced
 * (readback-coalescer.ts): a beam's final `Complete` readback is never replaced by the next
 * beam's.
 *
 *   facade.changes$ ─▶ dirty topics ──────────────────(every periodMs)─▶ topic data ─▶ JSON once ─▶ each client
 *                  └─▶ 'beam': sample now ─▶ coalescer ─(≤ 4 per cycle)─┘
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Identity } from '../bridge/facade/console-commands.js';
import { READBACK_TOPICS, type Topic } from '../bridge/facade/console-snapshot.js';
import type { SessionFacade } from '../bridge/facade/session-facade.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import { parseJsonWithin } from '../core/json-limits.js';
import { BEAM_COALESCING, ReadbackCoalescer, type CoalescedSample } from './readback-coalescer.js';
import { API_VERSION, WsAuth, WsClientMessage } from './api-schemas.js';
import type { TokenStore } from './token-store.js';

/** A client message is a few hundred bytes; anything near this is abuse (ws closes with 1009 above it). */
export const WS_MAX_MESSAGE_BYTES = 4096;
const WS_LIMITS = { maxBytes: WS_MAX_MESSAGE_BYTES, maxDepth: 4 };
/** Readback updates are skipped for a client this far behind; beyond the hard limit it is disconnected. */
const SKIP_READBACK_ABOVE_BYTES = 1 << 20;
const DISCONNECT_ABOVE_BYTES = 8 << 20;
const AUTH_TIMEOUT_MS = 10_000;

interface Client {
  readonly ws: WebSocket;
  identity?: Identity;
  token?: string;
}

export class LiveHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_MESSAGE_BYTES });
  private readonly clients = new Set<Client>();
  private readonly dirty = new Set<Topic>();
  private readonly lastSent = new Map<Topic, string>();
  /** Beam readback samples, coalesced per beam and state (never across a change of either). */
  readonly beamSamples = new ReadbackCoalescer(BEAM_COALESCING);
  private timer: TimerHandle | undefined;
  private readonly sub;
  private flushes = 0;
  /** Messages sent to clients since start (for the bench). */
  sent = 0;

  constructor(private readonly facade: SessionFacade, private readonly tokens: TokenStore, private readonly clock: Clock, private readonly periodMs = 20) {
    this.sub = facade.changes$.subscribe((t) => (t === 'beam' ? this.sampleBeam() : this.dirty.add(t)));
    this.timer = clock.setInterval(() => this.flush(), periodMs);
  }

  get clientCount(): number {
    return [...this.clients].filter((c) => c.identity).length;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.sub.unsubscribe();
    for (const c of this.clients) c.ws.terminate();
    this.wss.close();
  }

  private accept(ws: WebSocket): void {
    const client: Client = { ws };
    this.clients.add(client);
    const authTimer = this.clock.setTimeout(() => !client.identity && this.refuse(client), AUTH_TIMEOUT_MS);
    ws.on('message', (data, isBinary) => this.onMessage(client, data, isBinary));
    ws.on('close', () => {
      authTimer.cancel();
      this.clients.delete(client);
    });
    ws.on('error', () => ws.terminate()); // e.g. a message over maxPayload: ws closes 1009
  }

  private onMessage(client: Client, data: RawData, isBinary: boolean): void {
    const parsed = isBinary ? undefined : parseJsonWithin(Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]), 'message', WS_LIMITS);
    if (!client.identity) {
      const auth = parsed?.ok ? WsAuth.safeParse(parsed.value) : undefined;
      const identity = auth?.success ? this.tokens.verify(auth.data.token) : undefined;
      if (!identity || !auth?.success) return this.refuse(client);
      client.identity = identity;
      client.token = auth.data.token;
      this.send(client, JSON.stringify({ type: 'hello', apiVersion: API_VERSION, user: identity.user, role: identity.role }));
      this.send(client, JSON.stringify({ type: 'snapshot', stateVersion: this.facade.stateVersion, data: this.facade.snapshot() }));
      return;
    }
    // after auth a client only pings: anything else is answered with an error and changes nothing
    const msg = parsed?.ok ? WsClientMessage.safeParse(parsed.value) : undefined;
    if (msg?.success) return this.send(client, JSON.stringify({ type: 'pong', id: msg.data.id }));
    const error = parsed && !parsed.ok ? { code: parsed.error.code, message: parsed.error.message, field: parsed.error.field } : { code: 'INPUT_INVALID', message: isBinary ? 'binary messages are not accepted' : 'only { "type": "ping" } is accepted on this socket', field: 'type' };
    this.send(client, JSON.stringify({ type: 'error', error }));
  }

  private refuse(client: Client): void {
    if (client.ws.readyState === client.ws.OPEN) client.ws.send(JSON.stringify({ type: 'auth-failed' }));
    client.ws.close(4401, 'authentication required');
  }

  private send(client: Client, text: string): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    client.ws.send(text);
    this.sent++;
  }

  /** The beam topic as the linac reports it now (its state and MU at this sample, not at the next cycle). */
  private sampleBeam(): void {
    const data = this.facade.topic('beam') as { beamId?: number; state?: string };
    this.beamSamples.offer({ key: `${data.beamId}|${data.state}`, data: JSON.stringify(data), stateVersion: this.facade.stateVersion });
  }

  /** One control cycle: each changed topic built and serialised once, sent to every authenticated client. */
  private flush(): void {
    this.flushes++;
    if (this.flushes % Math.max(1, Math.round(1000 / this.periodMs)) === 0) this.expireTokens();
    const beam = this.beamSamples.take(); // with no client they are dropped: a new client starts from the snapshot
    if ((this.dirty.size === 0 && beam.length === 0) || this.clientCount === 0) return;
    const topics = [...this.dirty];
    this.dirty.clear();
    const version = this.facade.stateVersion;
    for (const topic of topics) {
      const data = JSON.stringify(this.facade.topic(topic));
      const key = `${version}:${data}`;
      if (this.lastSent.get(topic) === key) continue; // on-change topics: nothing new
      this.lastSent.set(topic, key);
      this.fanOut(topic, version, data);
    }
    for (const s of beam) this.fanOut('beam', s.stateVersion, s.data);
  }

  private fanOut(topic: Topic, version: number, data: CoalescedSample['data']): void {
    const text = `{"type":"update","topic":"${topic}","stateVersion":${version},"data":${data}}`;
    for (const c of this.clients) {
      if (!c.identity) continue;
      const behind = c.ws.bufferedAmount;
      if (behind > DISCONNECT_ABOVE_BYTES) c.ws.terminate();
      else if (!(behind > SKIP_READBACK_ABOVE_BYTES && READBACK_TOPICS.has(topic))) this.send(c, text);
    }
  }

  /** A socket whose token expired is closed (the console logs in again). */
  private expireTokens(): void {
    for (const c of this.clients) if (c.identity && !this.tokens.verify(c.token)) this.refuse(c);
  }
}
