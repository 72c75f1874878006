import { describe, expect, it } from 'vitest';
import { addDeliveries, DeliveryLedger, type BeamDelivery } from '../../src/bridge/delivery-ledger.js';
import { MIN_REMAINING_MU, planForRun, remainingRun } from '../../src/bridge/remaining-work.js';
import type { Plan } from '../../src/domain/plan/plan.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';

const rb = (state: BeamState, mu1: number, mu2 = mu1, beamId = 1) => ({ beamId, state, mu1, mu2 });

/** A plan with only what the ledger and the remaining-work rule read: beam ids and segment MU. */
function planOf(beams: Record<number, number[]>): Plan {
  return {
    patientId: 'P', patientName: 'P', planId: 'PL', fraction: 1, protocol: 'conventional', mlcModel: 'm',
    beams: Object.entries(beams).map(([id, mus]) => ({ id: Number(id), name: `b${id}`, gantryDeg: 0, doseRateMuPerMin: 600, grid: { bixelWidthMm: 5, originMm: 0, firstLeafPair: 0, rows: 1, cols: 1 }, fluence: [[0]], segments: mus.map((mu) => ({ mu, rows: [null] })) })),
  } as Plan;
}

describe('DeliveryLedger', () => {
  it('counts a segment being delivered at every readback, on both channels, before it completes', () => {
    const l = new DeliveryLedger([{ beamId: 1, segments: [{ index: 0, mu: 18 }, { index: 1, mu: 14 }] }]);
    l.observe(rb(BeamState.Armed, 0));
    l.observe(rb(BeamState.BeamOn, 5, 5.002));
    expect(l.delivered()).toEqual([{ beamId: 1, segments: [{ index: 0, mu1: 5, mu2: 5.002 }] }]);
    expect(l.observe(rb(BeamState.SegmentDone, 18, 18.004))).toEqual({ beamId: 1, index: 0 });
    l.observe(rb(BeamState.SegmentDone, 18, 18.004));
    l.observe(rb(BeamState.BeamOn, 18, 18.004));
    l.observe(rb(BeamState.BeamOn, 25.5, 25.506));
    l.observe(rb(BeamState.Held, 25.75, 25.757));
    const [beam] = l.delivered();
    expect(beam.segments.map((s) => s.index)).toEqual([0, 1]);
    expect(beam.segments[0].mu1).toBeCloseTo(18, 9);
    expect(beam.segments[0].mu2).toBeCloseTo(18.004, 9);
    expect(beam.segments[1].mu1).toBeCloseTo(7.75, 9); // 25.75 - 18: the partial segment
    expect(beam.segments[1].mu2).toBeCloseTo(7.753, 9); // 25.757 - 18.004
  });

  it('keeps the last segment once the beam completes (later readbacks of the finished beam change nothing)', () => {
    const l = new DeliveryLedger([{ beamId: 1, segments: [{ index: 0, mu: 3 }, { index: 1, mu: 2 }] }]);
    for (const s of [rb(BeamState.BeamOn, 1), rb(BeamState.SegmentDone, 3), rb(BeamState.BeamOn, 3), rb(BeamState.Complete, 5), rb(BeamState.Complete, 5), rb(BeamState.Idle, 5)]) l.observe(s);
    expect(l.delivered()[0].segments).toEqual([{ index: 0, mu1: 3, mu2: 3 }, { index: 1, mu1: 2, mu2: 2 }]);
  });

  it('closes a segment whose beam-on fell between two readbacks (the counter moved while paused)', () => {
    const l = new DeliveryLedger([{ beamId: 1, segments: [{ index: 0, mu: 3 }, { index: 1, mu: 2 }, { index: 2, mu: 4 }] }]);
    for (const s of [rb(BeamState.BeamOn, 1), rb(BeamState.SegmentDone, 3), rb(BeamState.SegmentDone, 5), rb(BeamState.BeamOn, 6)]) l.observe(s);
    expect(l.delivered()[0].segments).toEqual([{ index: 0, mu1: 3, mu2: 3 }, { index: 1, mu1: 2, mu2: 2 }, { index: 2, mu1: 1, mu2: 1 }]);
  });

  it('files a resumed run under the plan segments it continues, and ignores beams it does not deliver', () => {
    const l = new DeliveryLedger([{ beamId: 2, segments: [{ index: 1, mu: 6.5 }, { index: 2, mu: 12 }] }]);
    l.observe(rb(BeamState.BeamOn, 4, 4, 1));
    l.observe(rb(BeamState.SegmentDone, 6.5, 6.5, 2));
    l.observe(rb(BeamState.BeamOn, 8.5, 8.5, 2));
    expect(l.delivered()).toEqual([{ beamId: 2, segments: [{ index: 1, mu1: 6.5, mu2: 6.5 }, { index: 2, mu1: 2, mu2: 2 }] }]);
  });
});

describe('remaining work after an interruption', () => {
  const plan = planOf({ 1: [18, 14, 12], 2: [20, 5] });
  const delivered: BeamDelivery[] = [{ beamId: 1, segments: [{ index: 0, mu1: 18, mu2: 18.003 }, { index: 1, mu1: 7.5, mu2: 7.502 }] }];

  it('is each segment less what the primary channel counted, from the interrupted segment on', () => {
    expect(remainingRun(plan, delivered)).toEqual([
      { beamId: 1, segments: [{ index: 1, mu: 6.5 }, { index: 2, mu: 12 }] },
      { beamId: 2, segments: [{ index: 0, mu: 20 }, { index: 1, mu: 5 }] },
    ]);
    const p = planForRun(plan, remainingRun(plan, delivered));
    expect(p.beams.map((b) => b.segments.map((s) => s.mu))).toEqual([[6.5, 12], [20, 5]]);
  });

  it('never gives a segment more than planned, and counts a segment within the last counter steps as delivered', () => {
    const over: BeamDelivery[] = [{ beamId: 2, segments: [{ index: 0, mu1: 20.2, mu2: 20.2 }, { index: 1, mu1: 5 - MIN_REMAINING_MU / 2, mu2: 5 }] }];
    expect(remainingRun(plan, over)).toEqual([{ beamId: 1, segments: [{ index: 0, mu: 18 }, { index: 1, mu: 14 }, { index: 2, mu: 12 }] }]);
  });

  it('adds an earlier run to this one segment by segment', () => {
    const run: BeamDelivery[] = [{ beamId: 1, segments: [{ index: 1, mu1: 6.5, mu2: 6.501 }, { index: 2, mu1: 1, mu2: 1 }] }];
    expect(addDeliveries(delivered, run)).toEqual([{ beamId: 1, segments: [{ index: 0, mu1: 18, mu2: 18.003 }, { index: 1, mu1: 14, mu2: 14.003 }, { index: 2, mu1: 1, mu2: 1 }] }]);
  });
});
