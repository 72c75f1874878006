/**
 * Registration results pushed by an imaging system: `POST /registrations`
 * (JSON body) or a WebSocket on the same path, one JSON message per result.
 * Listens on loopback by default. Everything received becomes a candidate:
 * malformed JSON too, so the pipeline rejects and journals it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subject } from 'rxjs';
import { WebSocketServer } from 'ws';
import type { Candidate } from '../../domain/registration/registration-pipeline.js';

const MAX_BODY_BYTES = 64 * 1024;
const PATH = '/registrations';

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { unparseable: text.slice(0, 256) };
  }
}

export class RegistrationHttpSource {
  readonly candidates$ = new Subject<Candidate>();
  private readonly server = http.createServer((req, res) => this.onRequest(req, res));
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });

  constructor() {
    this.server.on('upgrade', (req, socket, head) => {
      if (req.url !== PATH) return void socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data) => this.candidates$.next({ raw: parse(data.toString()), source: 'ws' }));
        ws.on('error', () => undefined);
      });
    });
  }

  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve) => this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port)));
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
    this.candidates$.complete();
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.url !== PATH || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `POST ${PATH} only` }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `body larger than ${MAX_BODY_BYTES} bytes` }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (res.writableEnded) return;
      this.candidates$.next({ raw: parse(Buffer.concat(chunks).toString('utf8')), source: 'http' });
      // accepted for validation; the verdict goes to the journal and the console
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'queued for validation' }));
    });
  }
}
