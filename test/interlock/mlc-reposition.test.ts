/**
 * REPOSITION_MLC: a therapist re-sends the current segment's leaves in a hold (after an MLC
 * controller restart lost them). Accepted only in beamHold; the beam stays held; RESUME is
 * still needed and passes only on fresh readback within tolerance; refusals name the field.
 */
import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/domain/plan/validate-plan.js';
import { repositionRefusal } from '../../src/interlock/mlc-reposition.js';
import type { TrajectoryEvidence } from '../../src/interlock/evidence.js';
import type { Evidence } from '../../src/interlock/evidence.js';
import type { SessionCommand, SessionEvent } from '../../src/interlock/session-types.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import type { MlcPositions } from '../../src/protocol/mlc-protocol.js';
import { dynamicPlanJson, MOVING_PAIRS } from '../helpers/dynamic-plan.js';
import { config, SessionHarness } from '../helpers/session-harness.js';

type MoveMlc = Extract<SessionCommand, { command: 'MOVE_MLC' }>;
const moves = (h: SessionHarness): MoveMlc[] => h.commands.filter((c): c is MoveMlc => c.command === 'MOVE_MLC');
const reposition = (h: SessionHarness, role = 'therapist') => h.send({ type: 'REPOSITION_MLC', operator: 'rtt', role } as never);
const refusals = (h: SessionHarness) => h.notices.filter((n) => n.kind === 'mlc-reposition-refused');
const denials = (h: SessionHarness) => h.notices.filter((n) => n.kind === 'permit-denied');

/** Where the controller's leaves stand after it powers up: closed to the minimum gap. */
const closed = (): MlcPositions => ({ bankAMm: new Array(config.mlc.leafPairs).fill(config.mlc.minGapMm / 2), bankBMm: new Array(config.mlc.leafPairs).fill(-config.mlc.minGapMm / 2) });

/** Runs the example plan's first beam until segment `k` is on, with `mu` of it delivered. */
function onSegment(k: number, mu: number): SessionHarness {
  const h = new SessionHarness();
  h.toReady();
  h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
  for (let i = 0; i < 400 && !(h.state === 'beamOn' && h.context.segmentIndex === k); i++) (h.state === 'beamOn' ? h.deliver(1) : h.tick(20));
  expect([h.state, h.context.segmentIndex]).toEqual(['beamOn', k]);
  h.deliver(mu);
  return h;
}

/** The MLC controller restarts mid-beam: its link drops (hold on IL-MLC-STALE), comes back with the leaves closed. */
function restartMlc(h: SessionHarness): void {
  h.room.linkHeardAt.mlc = h.t;
  h.t += 200;
  h.send({ type: 'TICK' } as never);
  expect(h.state).toBe('beamHold');
  expect(h.context.holdCauses).toContain('IL-MLC-STALE');
  h.room.linkHeardAt = {};
  h.room.mlc = closed();
  h.tick(20);
}

describe('REPOSITION_MLC after an MLC controller restart in a hold (step and shoot)', () => {
  it('re-sends the leaves of the segment being delivered when the hold came, and leaves the beam held until RESUME', () => {
    const h = onSegment(2, 5);
    const heldAtMu = h.room.beam.mu1;
    restartMlc(h);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamHold');
    expect(denials(h).at(-1)?.unmet).toEqual(['IL-MLC-NOT-IN-POSITION']);

    // what the session sent for segment 2 when it first positioned it (before any reposition existed)
    const segment2 = moves(h).find((m) => m.segment === 2 && m.beamId === 1)!;
    const before = h.commands.length;
    reposition(h);
    expect(h.commands.slice(before)).toEqual([{ type: 'command', command: 'MOVE_MLC', leaves: segment2.leaves, beamId: 1, segment: 2, reposition: true }]);
    expect(segment2.leaves).not.toEqual(moves(h).find((m) => m.segment === 1)!.leaves);
    expect(h.notices.at(-1)).toMatchObject({ kind: 'mlc-repositioned', operator: 'rtt', role: 'therapist', beamId: 1, segment: 2 });
    expect(h.room.mlc).toEqual(segment2.leaves); // the harness's MLC obeyed

    // the beam stays held with the leaves in position: nothing but an operator's RESUME turns it on
    for (let i = 0; i < 20; i++) h.tick(20);
    expect(h.state).toBe('beamHold');
    expect(h.commands.slice(before).map((c) => c.command)).toEqual(['MOVE_MLC']);
    expect(h.room.beam).toMatchObject({ state: BeamState.Held, mu1: heldAtMu });
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamOn');
    expect(h.commands.at(-1)).toMatchObject({ command: 'BEAM_ON', beamId: 1 });
  });

  it('re-sends the segment being positioned when the hold came from a positioning timeout between segments', () => {
    const h = onSegment(1, 0);
    h.room.mlcFollows = false; // the MLC does not reach segment 2
    h.deliver(14);
    expect([h.state, h.context.segmentIndex]).toEqual(['mlcPositioning', 2]);
    h.t += 10_001;
    h.send({ type: 'TICK' } as never);
    expect(h.state).toBe('beamHold');
    h.room.mlcFollows = true;
    h.tick(20); // a fresh report after the jump in time
    reposition(h);
    expect(moves(h).at(-1)).toMatchObject({ segment: 2, reposition: true, leaves: moves(h).find((m) => m.segment === 2)!.leaves });
    h.tick(20);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamOn');
  });

  it('clears IL-MLC-NOT-IN-POSITION only from fresh readback within tolerance: a sent move alone does not', () => {
    const h = onSegment(2, 5);
    restartMlc(h);
    h.room.mlcFollows = false; // the move goes out, the leaves stay closed
    reposition(h);
    h.tick(20);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamHold');
    expect(denials(h).at(-1)?.unmet).toContain('IL-MLC-NOT-IN-POSITION');
    // readback at the segment, but from a link last heard 200 ms ago: not evidence
    const target = moves(h).at(-1)!.leaves;
    h.room.mlc = { bankAMm: target.bankAMm.map((v) => v + 1.5), bankBMm: [...target.bankBMm] };
    h.tick(20);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(denials(h).at(-1)?.unmet).toContain('IL-MLC-NOT-IN-POSITION'); // 1.5 mm off: beyond the 1 mm tolerance
    h.room.mlc = target;
    h.tick(20);
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamOn');
  });
});

describe('REPOSITION_MLC refusals name the field', () => {
  it('is refused while the MLC link is stale (LINK_STALE, links.mlc), sending nothing', () => {
    const h = onSegment(2, 5);
    h.room.linkHeardAt.mlc = h.t;
    h.t += 200;
    h.send({ type: 'TICK' } as never);
    const before = h.commands.length;
    reposition(h);
    expect(refusals(h).at(-1)).toMatchObject({ code: 'LINK_STALE', field: 'links.mlc', operator: 'rtt', role: 'therapist' });
    expect(h.commands.length).toBe(before);
    expect(h.state).toBe('beamHold');
  });

  it('is refused to a role that may not resume (role), sending nothing', () => {
    const h = onSegment(2, 5);
    restartMlc(h);
    const before = h.commands.length;
    reposition(h, 'physicist');
    expect(refusals(h).at(-1)).toMatchObject({ code: 'PERMIT_DENIED', field: 'role', actual: 'physicist', role: 'physicist' });
    expect(h.commands.length).toBe(before);
  });

  const elsewhere: Array<[string, (h: SessionHarness) => void]> = [
    ['idle', () => undefined],
    ['setup.awaitingRegistration', (h) => h.send({ type: 'LOAD_PLAN', plan: h.plan } as never)],
    ['ready', (h) => h.toReady()],
    ['beamOn', (h) => {
      h.toReady();
      h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
      h.deliver(2);
    }],
    ['mlcPositioning', (h) => {
      h.toReady();
      h.room.mlcFollows = false;
      h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
      h.deliver(18);
    }],
    ['fault', (h) => {
      h.toReady();
      h.room.emergencyStop = true;
      h.tick(20);
    }],
  ];
  it.each(elsewhere)('is refused in %s (session.state), sending nothing and changing nothing', (state, reach) => {
    const h = new SessionHarness();
    reach(h);
    expect(h.state).toBe(state);
    const before = { commands: h.commands.length, context: h.context };
    reposition(h);
    expect(refusals(h).at(-1)).toMatchObject({ code: 'PERMIT_DENIED', field: 'session.state', actual: state, limit: 'beamHold' });
    expect(h.state).toBe(state);
    expect(h.commands.length).toBe(before.commands);
    expect(h.context.expectedLeaves).toEqual(before.context.expectedLeaves);
  });

  it('is refused with no current segment (segmentIndex)', () => {
    const h = new SessionHarness();
    h.tick(20); // fresh links, no plan
    const e = { type: 'REPOSITION_MLC', operator: 'rtt', role: 'therapist', atMs: h.t } as SessionEvent;
    expect(repositionRefusal(h.context, e, 'beamHold')).toMatchObject({ code: 'PERMIT_DENIED', field: 'segmentIndex' });
    expect(repositionRefusal({ ...h.context, plan: h.plan, segmentIndex: h.plan.beams[0].segments.length }, e, 'beamHold')).toMatchObject({ field: 'segmentIndex', actual: 5, limit: 5 });
  });
});

/** A room whose MLC follows a dynamic beam's trajectory: the trajectory watch's judgement as evidence. */
class DynamicHarness extends SessionHarness {
  leafErrorMm = 0;
  following = true;
  override evidence(): Evidence {
    const e = super.evidence();
    const trajectory: TrajectoryEvidence = { beamId: 1, atMs: this.t, maxErrorMm: this.leafErrorMm, bank: 'A', pair: 28, actualMm: 0, expectedMm: [0, 0], muWindow: [0, 0], skewWindowMs: 1 };
    return { ...e, mlc: e.mlc && { ...e.mlc, status: { ...e.mlc.status, trajectoryMode: this.following } }, trajectory };
  }
}

const dynamicJson = dynamicPlanJson(config.mlc, { mu: 30 });
const dynamicPlan = validatePlan(dynamicJson, config.mlc, Object.keys(config.bridge.actionLevels), config.bridge.delivery);

/** The plan file's leaves at meterset weight w: linear between the two control points around it (PS3.3 C.8.8.14). */
function expectedAt(w: number): { bankAMm: number[]; bankBMm: number[] } {
  const cps = dynamicJson.beams[0].trajectory;
  const j = cps.findIndex((cp) => cp.metersetWeight >= w);
  const [lo, hi] = [cps[j - 1], cps[j]];
  const f = (w - lo.metersetWeight) / (hi.metersetWeight - lo.metersetWeight);
  const lerp = (a: number[], b: number[]) => a.map((x, i) => x * (1 - f) + b[i] * f);
  return { bankAMm: lerp(lo.positions.bankAMm, hi.positions.bankAMm), bankBMm: lerp(lo.positions.bankBMm, hi.positions.bankBMm) };
}

describe('REPOSITION_MLC for a dynamic (sliding-window) beam', () => {
  function heldDynamic(deliveredMu: number): DynamicHarness {
    const h = new DynamicHarness(dynamicPlan);
    h.room.doseRateMuPerMin = dynamicPlan.beams[0].doseRateMuPerMin;
    h.toReady();
    expect(h.state).toBe('ready');
    h.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    h.deliver(deliveredMu);
    h.room.doorClosed = false;
    h.tick(20);
    expect(h.state).toBe('beamHold');
    h.room.doorClosed = true;
    // the controller restarts: it no longer follows, its leaves far from the trajectory
    h.following = false;
    h.leafErrorMm = 12;
    h.tick(20);
    return h;
  }

  it('sends the trajectory at the delivered meterset fraction, still held, and resumes only on RESUME once the controller follows again', () => {
    const h = heldDynamic(13.5); // weight 0.45: between control points 4 and 5
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(denials(h).at(-1)?.unmet).toEqual(['IL-MLC-NOT-IN-POSITION']);
    const before = h.commands.length;
    reposition(h);
    const sent = h.commands.slice(before);
    expect(sent.map((c) => c.command)).toEqual(['MOVE_MLC']);
    const leaves = (sent[0] as MoveMlc).leaves;
    const want = expectedAt(13.5 / 30);
    for (const bank of ['bankAMm', 'bankBMm'] as const) want[bank].forEach((mm, i) => expect(leaves[bank][i], `${bank}[${i}]`).toBeCloseTo(mm, 9));
    expect(leaves.bankAMm[MOVING_PAIRS[0]]).toBeCloseTo(3.5, 9); // −10 + 3 × 4.5 mm, by hand
    expect(h.notices.at(-1)).toMatchObject({ kind: 'mlc-repositioned', deliveredFraction: 0.45 });
    expect(h.context.expectedLeaves).toEqual(leaves);
    expect(h.state).toBe('beamHold');
    h.following = true;
    h.leafErrorMm = 0.3;
    for (let i = 0; i < 10; i++) h.tick(20);
    expect(h.state).toBe('beamHold');
    h.send({ type: 'RESUME', operator: 'rtt' } as never);
    expect(h.state).toBe('beamOn');
  });

  it('is refused when the delivered MU is unknown (no fresh linac readback: beam.mu1)', () => {
    const h = heldDynamic(6);
    h.room.linkHeardAt.beam = h.t - 400;
    h.tick(20);
    reposition(h);
    expect(refusals(h).at(-1)).toMatchObject({ code: 'LINK_STALE', field: 'beam.mu1' });
  });
});
