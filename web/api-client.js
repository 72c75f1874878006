// @ts-check
/**
 * HTTP calls to the console API: login and commands. Every command carries the state version the
 * operator saw (`basedOnStateVersion`), so the bridge refuses one made against stale readback.
 */

/**
 * @param {string} username @param {string} password
 * @returns {Promise<{ ok: true, token: string, user: string, role: string } | { ok: false, message: string }>}
 */
export async function login(username, password) {
  try {
    const res = await fetch('/api/v1/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    const body = await res.json().catch(() => ({}));
    if (res.ok && typeof body.token === 'string') return { ok: true, token: body.token, user: body.user, role: body.role };
    return { ok: false, message: body?.error?.message ?? `login failed (HTTP ${res.status})` };
  } catch (e) {
    return { ok: false, message: `the bridge is not reachable (${e instanceof Error ? e.message : String(e)})` };
  }
}

/**
 * @param {string} token
 * @param {string} type command type
 * @param {number} basedOnStateVersion
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<{ ok: true, stateVersion: number, requestId: string } | { ok: false, status: number, code: string, message: string, requestId?: string }>}
 */
export async function sendCommand(token, type, basedOnStateVersion, args = {}) {
  try {
    const res = await fetch('/api/v1/commands', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ type, basedOnStateVersion, ...args }),
    });
    const body = await res.json().catch(() => ({}));
    if (res.ok && body.accepted) return { ok: true, stateVersion: body.stateVersion, requestId: body.requestId };
    return { ok: false, status: res.status, code: body?.error?.code ?? 'HTTP_' + res.status, message: body?.error?.message ?? `HTTP ${res.status}`, requestId: body?.requestId };
  } catch (e) {
    return { ok: false, status: 0, code: 'UNREACHABLE', message: e instanceof Error ? e.message : String(e) };
  }
}
