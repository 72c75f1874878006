// @ts-check
/**
 * The live WebSocket to `/api/v1/live`: sends the token first, hands every later message on, and
 * after a drop reconnects with capped exponential backoff and jitter. It reports "connected" only
 * between the server's hello and the socket closing; anything else is DISCONNECTED.
 */

/**
 * Delay before reconnect attempt n (0-based): base·2ⁿ capped at maxMs, scaled by a jitter in [0.5, 1].
 * @param {number} attempt
 * @param {{ baseMs?: number, maxMs?: number, random?: () => number }} [o]
 */
export function reconnectDelayMs(attempt, o = {}) {
  const baseMs = o.baseMs ?? 250;
  const maxMs = o.maxMs ?? 5000;
  const random = o.random ?? Math.random;
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(raw * (0.5 + 0.5 * random()));
}

/**
 * @typedef {{ state: 'connected' | 'connecting' | 'disconnected', attempt: number, retryInMs?: number, reason?: string }} LinkStatus
 */

export class LiveConnection {
  /**
   * @param {{ url: string, token: () => string | null, onMessage: (msg: any) => void, onStatus: (s: LinkStatus) => void, onAuthFailed: () => void }} o
   */
  constructor(o) {
    this.o = o;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.attempt = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.stopped = true;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close();
    this.ws = null;
  }

  open() {
    const token = this.o.token();
    if (!token || this.stopped) return;
    this.o.onStatus({ state: 'connecting', attempt: this.attempt });
    const ws = new WebSocket(this.o.url);
    this.ws = ws;
    let authFailed = false;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return; // not JSON: not from the bridge's contract; ignored
      }
      if (msg.type === 'auth-failed') {
        authFailed = true;
        return;
      }
      if (msg.type === 'hello') {
        this.attempt = 0;
        this.o.onStatus({ state: 'connected', attempt: 0 });
      }
      this.o.onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (authFailed) {
        this.stopped = true;
        this.o.onStatus({ state: 'disconnected', attempt: this.attempt, reason: 'authentication refused' });
        this.o.onAuthFailed();
        return;
      }
      if (this.stopped) return;
      const retryInMs = reconnectDelayMs(this.attempt++);
      this.o.onStatus({ state: 'disconnected', attempt: this.attempt, retryInMs, reason: ev.reason || `socket closed (${ev.code})` });
      this.timer = setTimeout(() => this.open(), retryInMs);
    };
  }
}
