/**
 * The beam topic's coalescer on a simulated clock: a sample source far faster than the 20 ms
 * console cycle (one sample per millisecond), the hub's cycle calling take(). Transitions of
 * beam or state are never dropped, runs of one state are merged, and the message rate stays
 * within the limits whatever the source does.
 */
import { describe, expect, it } from 'vitest';
import { BEAM_COALESCING, ReadbackCoalescer, type CoalescedSample } from '../../src/api/readback-coalescer.js';
import { ManualClock } from '../../src/core/clock.js';

const CYCLE_MS = 20;

interface Beam {
  beamId: number;
  state: string;
  mu1: number;
}

const sample = (b: Beam, stateVersion = 1): CoalescedSample => ({ key: `${b.beamId}|${b.state}`, data: JSON.stringify(b), stateVersion });
const beams = (out: readonly CoalescedSample[]): Beam[] => out.map((s) => JSON.parse(s.data));

/**
 * A linac read every `sampleMs`: each beam armed for 50 ms, on until `presetMu` (1 MU per 10 ms),
 * complete for one sample only, then the next beam armed in the very next sample.
 */
function linacSamples(presetMu: readonly number[], sampleMs: number): Array<{ atMs: number; beam: Beam }> {
  const out: Array<{ atMs: number; beam: Beam }> = [];
  let t = 0;
  presetMu.forEach((preset, i) => {
    const beamId = i + 1;
    for (let a = 0; a < 50; a += sampleMs, t += sampleMs) out.push({ atMs: t, beam: { beamId, state: 'Armed', mu1: 0 } });
    for (let mu = 0; mu < preset; mu += sampleMs / 10, t += sampleMs) out.push({ atMs: t, beam: { beamId, state: 'BeamOn', mu1: mu } });
    out.push({ atMs: t, beam: { beamId, state: 'Complete', mu1: preset } });
    t += sampleMs;
  });
  return out;
}

/** Runs `source` on a ManualClock with the hub's cycle taking from the coalescer; returns what each cycle sent. */
function run(c: ReadbackCoalescer, source: Array<{ atMs: number; beam: Beam }>): CoalescedSample[][] {
  const clock = new ManualClock(0);
  const cycles: CoalescedSample[][] = [];
  clock.setInterval(() => cycles.push(c.take()), CYCLE_MS);
  for (const s of source) clock.setTimeout(() => c.offer(sample(s.beam)), s.atMs);
  clock.advance(source[source.length - 1].atMs + 10 * CYCLE_MS);
  return cycles;
}

describe('ReadbackCoalescer (beam topic)', () => {
  it("sends a beam's Complete readback even when the next beam's Armed readback follows within the same cycle", () => {
    const c = new ReadbackCoalescer(BEAM_COALESCING);
    c.offer(sample({ beamId: 1, state: 'BeamOn', mu1: 99.4 }));
    c.offer(sample({ beamId: 1, state: 'Complete', mu1: 100 }));
    c.offer(sample({ beamId: 2, state: 'Armed', mu1: 0 }));
    expect(beams(c.take())).toEqual([{ beamId: 1, state: 'BeamOn', mu1: 99.4 }, { beamId: 1, state: 'Complete', mu1: 100 }, { beamId: 2, state: 'Armed', mu1: 0 }]);
  });

  it('merges consecutive samples of the same beam and state into the latest, and does not resend unchanged data', () => {
    const c = new ReadbackCoalescer(BEAM_COALESCING);
    for (let mu = 0; mu <= 5; mu++) c.offer(sample({ beamId: 1, state: 'BeamOn', mu1: mu }));
    expect(beams(c.take())).toEqual([{ beamId: 1, state: 'BeamOn', mu1: 5 }]);
    c.offer(sample({ beamId: 1, state: 'BeamOn', mu1: 5 }));
    expect(c.take()).toEqual([]);
    c.offer(sample({ beamId: 1, state: 'BeamOn', mu1: 6 }));
    expect(beams(c.take())).toEqual([{ beamId: 1, state: 'BeamOn', mu1: 6 }]);
  });

  it('keeps a sample of the same beam and state apart when another state came between them', () => {
    const c = new ReadbackCoalescer(BEAM_COALESCING);
    c.offer(sample({ beamId: 1, state: 'BeamOn', mu1: 10 }));
    c.offer(sample({ beamId: 1, state: 'Held', mu1: 10.2 }));
    c.offer(sample({ beamId: 1, state: 'BeamOn', mu1: 10.2 }));
    expect(beams(c.take()).map((b) => b.state)).toEqual(['BeamOn', 'Held', 'BeamOn']);
  });

  it('under a source sampling every 1 ms sends every beam and state change in order, each Complete with its final MU, and at most one update per cycle between changes', () => {
    const presets = [30, 12.5, 47];
    const source = linacSamples(presets, 1);
    const c = new ReadbackCoalescer(BEAM_COALESCING);
    const cycles = run(c, source);
    const sent = cycles.flat().map((s) => JSON.parse(s.data) as Beam);
    // the changes of beam or state, from the source itself
    const changes = source.filter((s, i) => i === 0 || s.beam.beamId !== source[i - 1].beam.beamId || s.beam.state !== source[i - 1].beam.state).map((s) => `${s.beam.beamId}|${s.beam.state}`);
    const sentRuns = sent.filter((b, i) => i === 0 || b.beamId !== sent[i - 1].beamId || b.state !== sent[i - 1].state).map((b) => `${b.beamId}|${b.state}`);
    expect(sentRuns).toEqual(changes);
    for (const [i, preset] of presets.entries()) expect(sent.filter((b) => b.beamId === i + 1 && b.state === 'Complete').map((b) => b.mu1)).toEqual([preset]);
    // the rate: never more than maxPerCycle per cycle, and one per cycle plus one per change overall
    expect(Math.max(...cycles.map((x) => x.length))).toBeLessThanOrEqual(BEAM_COALESCING.maxPerCycle);
    expect(sent.length).toBeLessThanOrEqual(cycles.length + changes.length);
    expect(sent.length).toBeLessThan(source.length / 10);
    expect(c.overflowed).toBe(0);
  });

  it('bounds the rate and the backlog when a broken source changes state on every 1 ms sample', () => {
    const c = new ReadbackCoalescer(BEAM_COALESCING);
    const source = Array.from({ length: 5000 }, (_, i) => ({ atMs: i, beam: { beamId: 1, state: i % 2 ? 'Held' : 'BeamOn', mu1: i / 100 } }));
    const clock = new ManualClock(0);
    const perCycle: number[] = [];
    let maxWaiting = 0;
    clock.setInterval(() => perCycle.push(c.take().length), CYCLE_MS);
    for (const s of source) clock.setTimeout(() => {
      c.offer(sample(s.beam));
      maxWaiting = Math.max(maxWaiting, c.waiting);
    }, s.atMs);
    clock.advance(5000);
    const perSecond = (1000 / CYCLE_MS) * BEAM_COALESCING.maxPerCycle;
    expect(Math.max(...perCycle)).toBe(BEAM_COALESCING.maxPerCycle);
    expect(perCycle.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(perSecond * 5);
    expect(maxWaiting).toBeLessThanOrEqual(BEAM_COALESCING.maxPending);
    expect(c.overflowed).toBeGreaterThan(0);
  });
});
