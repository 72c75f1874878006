/**
 * Registration results pushed by an imaging system: `POST /registrations`
 * (JSON body) or a WebSocket on the same path, one JSON message per result.
 * Listens on loopback by default. Everything received becomes a candidate:
 * malformed JSON too, so the pipeline rejects and journals it. A body over
 * the size limit or nested too deeply is refused before it is parsed; the
 * refusal is a candidate too (carrying its size and depth, not the body).
 * A flood is shed before any of that (`load-shedder.ts`): beyond the rate or the
 * requests in progress, 429 / 503 with Retry-After, and a summary on `shed$`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subject, type Observable } from 'rxjs';
import { WebSocketServer, type RawData } from 'ws';
import { JSON_LIMITS, parseJsonWithin, tooLarge } from '../../core/json-limits.js';
import type { Candidate } from '../../domain/registration/registration-pipeline.js';
import type { Clock } from '../../core/clock.js';
import { DEFAULT_LOAD_LIMITS, LoadShedder, type LoadLimits, type ShedReport } from './load-shedder.js';

const LIMITS = JSON_LIMITS.registration;
/** Beyond the limit a body is only counted (for the journal), up to this; then the connection is cut. */
export const HARD_CAP_BYTES = 16 * 1024 * 1024;
const PATH = '/registrations';

/** Measured, then parsed; a refusal carries `{ refused, bytes, depth? }` as its raw value, never the body. */
export function candidateFrom(body: Buffer, source: string): Candidate {
  const r = parseJsonWithin(body, 'registration.body', LIMITS);
  if (r.ok) return { raw: r.value, source };
  if (r.error.code === 'LIMIT_EXCEEDED') {
    const depth = r.error.field?.endsWith('.depth') ? { depth: r.error.actual } : {};
    return { raw: { refused: r.error.field, bytes: body.length, ...depth }, source, refusal: r.error };
  }
  return { raw: { unparseable: body.subarray(0, 256).toString('utf8') }, source };
}

function oversize(bytes: number | string, source: string): Candidate {
  const refusal = tooLarge('registration.body', bytes, LIMITS);
  return { raw: { refused: refusal.field, bytes }, source, refusal };
}

export class RegistrationHttpSource {
  readonly candidates$ = new Subject<Candidate>();
  private readonly server = http.createServer((req, res) => this.onRequest(req, res));
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: HARD_CAP_BYTES });
  private readonly shedder: LoadShedder;

  constructor(opts: { readonly limits?: LoadLimits; readonly clock?: Clock } = {}) {
    this.shedder = new LoadShedder(opts.limits ?? DEFAULT_LOAD_LIMITS, opts.clock);
    this.server.on('upgrade', (req, socket, head) => {
      if (req.url !== PATH) return void socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data) => {
          const admitted = this.shedder.admit();
          if (!admitted.ok) return; // counted in shed$; a flooding client is not read further
          admitted.done();
          const body = toBuffer(data);
          if (body.length > LIMITS.maxBytes) {
            this.candidates$.next(oversize(body.length, 'ws'));
            ws.close(1009, 'message too big');
          } else this.candidates$.next(candidateFrom(body, 'ws'));
        });
        ws.on('error', (e: Error & { code?: string }) => {
          // ws refuses a frame over maxPayload by its header, before reading it, and closes with 1009
          if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.candidates$.next(oversize(`> ${HARD_CAP_BYTES}`, 'ws'));
        });
      });
    });
  }

  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve) => this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port)));
  }

  /** Summaries of the requests refused for load (one when shedding starts, then one per period). */
  get shed$(): Observable<ShedReport> {
    return this.shedder.report$;
  }

  async close(): Promise<void> {
    this.shedder.flush();
    this.shedder.report$.complete();
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
    this.candidates$.complete();
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const reply = (status: number, body: object): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url !== PATH || req.method !== 'POST') return reply(404, { error: `POST ${PATH} only` });
    const admitted = this.shedder.admit();
    if (!admitted.ok) {
      // refused unread: the body is never parsed, the connection is not kept for more
      res.writeHead(admitted.reason === 'rate' ? 429 : 503, { 'content-type': 'application/json', 'retry-after': String(admitted.retryAfterS), connection: 'close' });
      return void res.end(JSON.stringify({ error: admitted.reason === 'rate' ? 'too many registrations: rate limit' : 'too many registrations in progress' }));
    }
    res.on('close', admitted.done);
    const declared = Number(req.headers['content-length']);
    if (declared > HARD_CAP_BYTES) {
      this.candidates$.next(oversize(declared, 'http'));
      reply(413, { error: `body larger than ${LIMITS.maxBytes} bytes` });
      return void req.destroy();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= LIMITS.maxBytes) chunks.push(c);
      else if (size > HARD_CAP_BYTES && !res.writableEnded) {
        this.candidates$.next(oversize(`> ${HARD_CAP_BYTES}`, 'http'));
        reply(413, { error: `body larger than ${LIMITS.maxBytes} bytes` });
        req.destroy();
      }
    });
    req.on('end', () => {
      if (res.writableEnded) return;
      const c = size > LIMITS.maxBytes ? oversize(size, 'http') : candidateFrom(Buffer.concat(chunks), 'http');
      this.candidates$.next(c);
      if (c.refusal) return reply(c.refusal.field?.endsWith('.bytes') ? 413 : 400, { error: c.refusal.message });
      // accepted for validation; the verdict goes to the journal and the console
      reply(202, { status: 'queued for validation' });
    });
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
