/**
 * What a run delivers: the whole plan, or what an interrupted fraction left
 * (each segment's planned MU less what the primary channel already counted),
 * and the plan the statechart is given for it.
 */
import type { Plan } from '../domain/plan/plan.js';
import { MU_LSB } from '../protocol/beam-protocol.js';
import type { BeamDelivery, RunBeam } from './delivery-ledger.js';

/**
 * A segment with less than this left counts as delivered: ten linac counter
 * steps, a tenth of the delivered-MU tolerance (config
 * `tolerances.deliveredMuToleranceMu`, 0.1 MU by default).
 */
export const MIN_REMAINING_MU = 10 * MU_LSB;

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

export function fullRun(plan: Plan): RunBeam[] {
  return plan.beams.map((b) => ({ beamId: b.id, segments: b.segments.map((s, index) => ({ index, mu: s.mu })) }));
}

/** The work left after `delivered`: beams with nothing left are dropped. Never more than planned per segment. */
export function remainingRun(plan: Plan, delivered: readonly BeamDelivery[]): RunBeam[] {
  const out: RunBeam[] = [];
  for (const beam of plan.beams) {
    const done = delivered.find((d) => d.beamId === beam.id)?.segments ?? [];
    const segments = beam.segments
      .map((s, index) => ({ index, mu: round3(s.mu - (done.find((d) => d.index === index)?.mu1 ?? 0)) }))
      .filter((s) => s.mu >= MIN_REMAINING_MU);
    if (segments.length) out.push({ beamId: beam.id, segments });
  }
  return out;
}

/** The plan handed to the statechart for a run: the listed segments with this run's MU, in plan order. */
export function planForRun(plan: Plan, run: readonly RunBeam[]): Plan {
  const beams = run.map((rb) => {
    const beam = plan.beams.find((b) => b.id === rb.beamId)!;
    return { ...beam, segments: rb.segments.map((s) => ({ ...beam.segments[s.index], mu: s.mu })) };
  });
  return { ...plan, beams };
}
