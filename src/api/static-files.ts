/** The web console's static files (GET only, no directory listing, never outside its folder). */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { sendError } from './http-io.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json; charset=utf-8', '.ico': 'image/x-icon',
};

export function serveStatic(req: IncomingMessage, res: ServerResponse, requestId: string, root: string | undefined): void {
  req.resume();
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, requestId, { code: 'METHOD_NOT_ALLOWED', message: 'static files are GET only' });
  let rel: string;
  try {
    rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return sendError(res, 400, requestId, { code: 'INPUT_INVALID', message: 'malformed path', field: 'path' });
  }
  const file = root && path.resolve(root, `.${rel.endsWith('/') ? `${rel}index.html` : rel}`);
  const inside = file && (file === root || file.startsWith(`${path.resolve(root)}${path.sep}`));
  if (!file || !inside || !fs.existsSync(file) || !fs.statSync(file).isFile()) return sendError(res, 404, requestId, { code: 'NOT_FOUND', message: 'no such file' });
  const body = fs.readFileSync(file);
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': body.length, 'x-request-id': requestId, 'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'", 'cache-control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
