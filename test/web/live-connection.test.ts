import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveConnection, reconnectDelayMs } from '../../web/live-connection.js';
import { RenderLoop } from '../../web/render-loop.js';

describe('reconnect backoff', () => {
  it('doubles from the base and stops at the cap', () => {
    const full = { baseMs: 250, maxMs: 5000, random: () => 1 };
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => reconnectDelayMs(n, full))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('jitters down to half the delay so consoles do not reconnect in step', () => {
    expect(reconnectDelayMs(2, { baseMs: 250, maxMs: 5000, random: () => 0 })).toBe(500);
  });

  it('stays finite after very many attempts', () => {
    expect(reconnectDelayMs(10_000, { random: () => 1 })).toBe(5000);
  });
});

describe('render loop', () => {
  it('draws many messages in one frame, each dirty topic once', () => {
    const frames: Array<() => void> = [];
    const drawn: string[][] = [];
    const loop = new RenderLoop((t) => drawn.push([...t].sort()), (cb) => frames.push(cb));
    for (let i = 0; i < 50; i++) loop.mark(['mlc', 'beam']);
    loop.mark(['journal']);
    expect(frames).toHaveLength(1);
    frames[0]();
    expect(drawn).toEqual([['beam', 'journal', 'mlc']]);
  });

  it('schedules a new frame for messages that arrive after a draw', () => {
    const frames: Array<() => void> = [];
    const loop = new RenderLoop(() => {}, (cb) => frames.push(cb));
    loop.mark(['mlc']);
    frames[0]();
    loop.mark(['mlc']);
    expect(frames).toHaveLength(2);
  });
});

/** A stand-in for the browser's WebSocket: the test plays the server. */
class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  sent: any[] = [];
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.closed = true;
  }
  serverSends(msg: object) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

function connection() {
  FakeSocket.all = [];
  const statuses: string[] = [];
  const reports: any[] = [];
  const messages: any[] = [];
  let authFailed = 0;
  const live = new LiveConnection({
    url: 'ws://bridge/api/v1/live', token: () => 'tok',
    onMessage: (m: any) => messages.push(m), onStatus: (s: any) => (statuses.push(s.state), reports.push(s)), onAuthFailed: () => authFailed++,
    pingMs: 1000, silenceMs: 3000, now: () => Date.now(), WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
  });
  return { live, statuses, reports, messages, authFailed: () => authFailed };
}

describe('live connection', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the token first and reports connected only on the hello', () => {
    const c = connection();
    c.live.start();
    const ws = FakeSocket.all[0];
    ws.onopen!();
    expect(ws.sent).toEqual([{ type: 'auth', token: 'tok' }]);
    expect(c.statuses).toEqual(['connecting']);
    ws.serverSends({ type: 'hello', apiVersion: '1', user: 'ana', role: 'therapist' });
    expect(c.statuses).toEqual(['connecting', 'connected']);
  });

  it('pings while the bridge answers and hides the pongs from the page', () => {
    const c = connection();
    c.live.start();
    const ws = FakeSocket.all[0];
    ws.serverSends({ type: 'hello' });
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(1000);
      ws.serverSends({ type: 'pong' });
    }
    expect(ws.sent.filter((m) => m.type === 'ping')).toHaveLength(5);
    expect(c.messages.map((m) => m.type)).toEqual(['hello']);
    expect(c.statuses.at(-1)).toBe('connected');
  });

  it('drops a socket that stays open but silent, at once, and opens a new one after the backoff', () => {
    const c = connection();
    c.live.start();
    const ws = FakeSocket.all[0];
    ws.serverSends({ type: 'hello' });
    vi.advanceTimersByTime(4000); // silent past 3 s: the 4th watchdog tick gives up
    expect(c.statuses.at(-1)).toBe('disconnected');
    expect(ws.closed).toBe(true);
    ws.onclose?.({ code: 1006, reason: '' }); // a late close of the old socket changes nothing
    expect(c.statuses.filter((s) => s === 'disconnected')).toHaveLength(1);
    vi.advanceTimersByTime(250); // first backoff is at most 250 ms
    expect(FakeSocket.all).toHaveLength(2);
    // the new attempt still says why the last socket was given up
    expect(c.reports.at(-1)).toEqual({ state: 'connecting', attempt: 1, reason: 'no message from the bridge for 3 s' });
  });

  it('shows the login again when the bridge refuses the token, and does not retry with it', () => {
    const c = connection();
    c.live.start();
    const ws = FakeSocket.all[0];
    ws.serverSends({ type: 'auth-failed' });
    ws.onclose!({ code: 1008, reason: '' });
    vi.advanceTimersByTime(60_000);
    expect(c.authFailed()).toBe(1);
    expect(FakeSocket.all).toHaveLength(1);
  });
});

describe('live connection attempts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('gives up an attempt that gets no answer (a bridge that accepts but never greets) and tries again', () => {
    const c = connection();
    c.live.start();
    FakeSocket.all[0].onopen!();
    vi.advanceTimersByTime(4000);
    expect(FakeSocket.all[0].closed).toBe(true);
    expect(FakeSocket.all[0].sent.filter((m) => m.type === 'ping')).toEqual([]); // no ping before the hello
    expect(c.statuses.at(-1)).toBe('disconnected');
    vi.advanceTimersByTime(250);
    expect(FakeSocket.all).toHaveLength(2);
  });
});
