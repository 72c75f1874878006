// @ts-check
/**
 * The live WebSocket to `/api/v1/live`: sends the token first, hands every later message on, and
 * after a drop reconnects with capped exponential backoff and jitter. It reports "connected" only
 * between the server's hello and the socket closing; anything else is DISCONNECTED. A socket that
 * stays open but goes silent is no better than a closed one: the page pings every `pingMs`, and
 * when nothing at all (not even the pong) has arrived for `silenceMs` it gives the socket up itself,
 * so frozen readback is never shown as live; an attempt with no answer in `silenceMs` is given up too.
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

/**
 * @typedef {{ url: string, token: () => string | null, onMessage: (msg: any) => void, onStatus: (s: LinkStatus) => void, onAuthFailed: () => void,
 *   pingMs?: number, silenceMs?: number, now?: () => number, WebSocketImpl?: typeof WebSocket }} LiveOptions
 */

export class LiveConnection {
  /** @param {LiveOptions} o */
  constructor(o) {
    this.o = o;
    this.pingMs = o.pingMs ?? 1000;
    this.silenceMs = o.silenceMs ?? 3000;
    this.now = o.now ?? (() => performance.now());
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.watchdog = undefined;
    /** @type {string | undefined} */
    this.lastReason = undefined;
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
    clearInterval(this.watchdog);
    this.ws?.close();
    this.ws = null;
  }

  open() {
    const token = this.o.token();
    if (!token || this.stopped) return;
    // a retry keeps saying why the last socket was lost until a hello arrives
    this.o.onStatus({ state: 'connecting', attempt: this.attempt, reason: this.lastReason });
    const Impl = this.o.WebSocketImpl ?? WebSocket;
    const ws = new Impl(this.o.url);
    this.ws = ws;
    let authFailed = false;
    let greeted = false;
    let lastHeardMs = this.now();
    // one watchdog from the first attempt on: an attempt that hears nothing (not even a hello) for
    // silenceMs is given up too, as is a greeted socket that falls silent; pings only after the hello
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => {
      if (this.now() - lastHeardMs > this.silenceMs) this.drop(ws, greeted ? `no message from the bridge for ${this.silenceMs / 1000} s` : `no answer from the bridge within ${this.silenceMs / 1000} s`);
      else if (greeted) ws.send(JSON.stringify({ type: 'ping' }));
    }, this.pingMs);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      lastHeardMs = this.now();
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
        greeted = true;
        this.lastReason = undefined;
        this.attempt = 0;
        this.o.onStatus({ state: 'connected', attempt: 0 });
      }
      if (msg.type !== 'pong') this.o.onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      if (authFailed) {
        this.ws = null;
        clearInterval(this.watchdog);
        this.stopped = true;
        this.o.onStatus({ state: 'disconnected', attempt: this.attempt, reason: 'authentication refused' });
        this.o.onAuthFailed();
        return;
      }
      this.drop(ws, ev.reason || `socket closed (${ev.code})`);
    };
  }

  /**
   * Gives up on a socket at once (a silent one may take long to finish closing), reports
   * DISCONNECTED and schedules the next attempt.
   * @param {WebSocket} ws @param {string} reason
   */
  drop(ws, reason) {
    if (this.ws !== ws) return;
    this.ws = null;
    clearInterval(this.watchdog);
    ws.close();
    if (this.stopped) return;
    const retryInMs = reconnectDelayMs(this.attempt++);
    this.lastReason = reason;
    this.o.onStatus({ state: 'disconnected', attempt: this.attempt, retryInMs, reason });
    this.timer = setTimeout(() => this.open(), retryInMs);
  }
}
