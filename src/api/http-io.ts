/** Request bodies read within a size limit, JSON measured before parsing, and responses with a request id. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkJsonLimits, type JsonLimits } from '../core/json-limits.js';

export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
  readonly limit?: string | number;
}

/** The client's x-request-id when it is a short printable token, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(given) ? given : randomUUID();
}

export function sendJson(res: ServerResponse, status: number, requestId: string, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, requestId: string, error: ApiErrorBody): void {
  sendJson(res, status, requestId, { error, requestId });
}

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413; error: ApiErrorBody };

/**
 * Reads a JSON body of at most `limits.maxBytes` (the stream is cut off at the limit, a
 * declared content-length over it is refused unread) and at most `limits.maxDepth` deep.
 */
export function readJsonBody(req: IncomingMessage, limits: JsonLimits): Promise<BodyResult> {
  return new Promise((resolve) => {
    const tooLarge = (bytes: number): BodyResult => ({ ok: false, status: 413, error: { code: 'LIMIT_EXCEEDED', message: `body of ${bytes} bytes exceeds ${limits.maxBytes} bytes`, field: 'body.bytes', limit: limits.maxBytes } });
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      req.resume();
      return resolve(tooLarge(declared));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limits.maxBytes) {
        done = true;
        req.resume();
        return resolve(tooLarge(size));
      }
      chunks.push(c);
    });
    req.on('error', () => !done && ((done = true), resolve({ ok: false, status: 400, error: { code: 'INPUT_INVALID', message: 'request body not readable', field: 'body' } })));
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks);
      const m = checkJsonLimits(text, 'body', limits);
      if (!m.ok) return resolve({ ok: false, status: m.error.code === 'LIMIT_EXCEEDED' && m.error.field === 'body.bytes' ? 413 : 400, error: { code: m.error.code, message: m.error.message, field: m.error.field, limit: m.error.limit } });
      try {
        resolve({ ok: true, value: JSON.parse(text.toString('utf8')) as unknown });
      } catch (e) {
        resolve({ ok: false, status: 400, error: { code: 'INPUT_INVALID', message: `not valid JSON: ${(e as Error).message.slice(0, 120)}`, field: 'body' } });
      }
    });
  });
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer ([A-Za-z0-9_-]{1,128})$/.exec(h) : null;
  return m?.[1];
}
