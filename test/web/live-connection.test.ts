import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from '../../web/live-connection.js';
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
