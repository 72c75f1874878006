/**
 * Dynamic (sliding-window) delivery on the embedded simulators over real
 * transports: the MLC follows the trajectory by the linac's dose, the session
 * judges its readback against the trajectory at the measured MU, and a leaf
 * that falls behind holds the beam naming the leaf until an operator resumes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedRoom } from '../../src/cli/embedded-room.js';
import { validatePlan } from '../../src/domain/plan/validate-plan.js';
import { readJournal } from '../../src/journal/journal.js';
import { repositionMlc } from '../../src/bridge/reposition-mlc.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { dynamicPlanJson, MOVING_PAIRS } from '../helpers/dynamic-plan.js';
import { startRoom, stateOf } from '../helpers/embedded.js';
import { testConfig } from '../helpers/sim-fixtures.js';
import { until } from '../helpers/wait.js';

let embedded: EmbeddedRoom | undefined;
afterEach(async () => {
  await embedded?.close();
  embedded = undefined;
});

const cfg = testConfig;
const plan = validatePlan(dynamicPlanJson(cfg.mlc), cfg.mlc, Object.keys(cfg.bridge.actionLevels), cfg.bridge.delivery);
const subject = { patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction };
const correction = { lateralMm: 1, longitudinalMm: -0.5, verticalMm: 0.5, pitchDeg: 0.2, rollDeg: -0.1, yawDeg: 0.2 };

async function toReady(): Promise<EmbeddedRoom> {
  const e = (embedded = await startRoom());
  e.session.loadPlan(plan);
  e.room.imaging.acquire(subject, correction);
  await until(() => stateOf(e) === 'setup.awaitingApproval', 3000, 'awaiting approval');
  e.session.approve(e.session.snapshot.context.pending!.registration.id, { user: 'rtt', role: 'therapist' });
  await until(() => stateOf(e) === 'ready', 8000, 'ready (MLC at the first control point, following)');
  return e;
}

const journalOf = (e: EmbeddedRoom) => readJournal(e.journal.file).entries;

describe('dynamic delivery on the simulators', () => {
  it('delivers a DYNAMIC beam to its meterset with every MLC readback within tolerance of the trajectory at the measured MU', async () => {
    const e = await toReady();
    expect(e.room.mlc.positions.bankAMm[29]).toBeCloseTo(-10, 6); // first control point
    e.session.send({ type: 'BEAM_ON', operator: 'rtt' });
    await until(() => stateOf(e) === 'fractionComplete' || stateOf(e) === 'beamHold' || stateOf(e) === 'fault', 15_000, 'beam delivered');
    expect(stateOf(e), JSON.stringify({ causes: e.session.snapshot.context.holdCauses, leaf: e.session.leafError, ev: e.session.snapshot.context.evidence.trajectory, mlc: e.session.snapshot.context.evidence.mlc?.status })).toBe('fractionComplete');
    expect(e.room.beam.status.mu1).toBeCloseTo(30, 2);
    const stats = e.session.trajectoryStats(1)!;
    expect(stats.readbacksJudged).toBeGreaterThan(3);
    expect(stats.maxLeafErrorMm).toBeLessThanOrEqual(cfg.bridge.tolerances.dynamicLeafToleranceMm);
    expect(journalOf(e).filter((x) => x.kind === 'state').map((x) => (x.data as { to: string }).to)).not.toContain('beamHold');
    await until(() => Math.abs(e.room.mlc.positions.bankAMm[29] - 20) < 1e-6, 3000, 'leaves at the last control point');
  });

  it('holds the beam naming a stuck leaf; RESUME is refused while it is off its trajectory, and only RESUME restarts the beam', async () => {
    const e = await toReady();
    e.room.mlc.holdOffToleranceMm = 100; // the controller's own hold-off out of the way: the bridge's check must act
    e.room.mlc.faults.stuckLeavesA.add(29);
    e.session.send({ type: 'BEAM_ON', operator: 'rtt' });
    await until(() => stateOf(e) === 'beamHold' || stateOf(e) === 'fractionComplete', 10_000, 'hold');
    expect(stateOf(e)).toBe('beamHold');
    expect(e.session.snapshot.context.holdCauses).toContain('IL-MLC-NOT-IN-POSITION');
    expect(e.session.leafError).toMatchObject({ bank: 'A', pair: 29 });
    expect(e.session.leafError!.maxErrorMm).toBeGreaterThan(cfg.bridge.tolerances.dynamicLeafToleranceMm);
    await until(() => e.room.beam.status.state === BeamState.Held, 2000, 'linac held');
    const heldAt = e.room.beam.status.mu1;
    expect(heldAt).toBeLessThan(30);
    const offEvents = journalOf(e).filter((x) => x.kind === 'device-event' && (x.data as { type?: string }).type === 'leaf-off-trajectory');
    expect(offEvents[0]?.data).toMatchObject({ device: 'mlc', bank: 'A', pair: 29, toleranceMm: 2 });
    e.session.send({ type: 'RESUME', operator: 'rtt' }); // still stuck: refused
    expect(stateOf(e)).toBe('beamHold');
    e.room.mlc.faults.stuckLeavesA.delete(29); // the leaf is freed and catches up with the held dose
    await until(() => e.session.leafError === undefined, 3000, 'leaves back on the trajectory');
    await new Promise((r) => setTimeout(r, 300));
    expect(stateOf(e)).toBe('beamHold'); // back in tolerance is not enough
    expect(e.room.beam.status.mu1).toBe(heldAt);
    e.session.send({ type: 'RESUME', operator: 'rtt' });
    await until(() => stateOf(e) === 'fractionComplete', 15_000, 'beam completed after the resume');
    expect(e.room.beam.status.mu1).toBeCloseTo(30, 2);
    const ops = journalOf(e).filter((x) => x.kind === 'operator').map((x) => (x.data as { type: string }).type);
    expect(ops).toEqual(['LOAD_PLAN', 'APPROVE', 'BEAM_ON', 'RESUME', 'RESUME']);
  });

  it('holds the beam when the leaves lag the dose (an injected 1 s leaf lag), naming a moving leaf', async () => {
    const e = await toReady();
    e.room.mlc.holdOffToleranceMm = 100;
    e.room.mlc.leafLag.fault = { lagMs: 1000 }; // at the plan's 5 mm/s: 5 mm behind once moving
    e.session.send({ type: 'BEAM_ON', operator: 'rtt' });
    await until(() => stateOf(e) === 'beamHold' || stateOf(e) === 'fractionComplete', 10_000, 'hold');
    expect(stateOf(e)).toBe('beamHold');
    expect(e.session.snapshot.context.holdCauses).toContain('IL-MLC-NOT-IN-POSITION');
    expect(MOVING_PAIRS).toContain(e.session.leafError!.pair);
    e.room.mlc.leafLag.fault = {};
    await until(() => e.session.leafError === undefined, 3000, 'leaves caught up');
    e.session.send({ type: 'RESUME', operator: 'rtt' });
    await until(() => stateOf(e) === 'fractionComplete', 15_000, 'beam completed after the resume');
    expect(e.room.beam.status.mu1).toBeCloseTo(30, 2);
  });

  it('recovers a restarted MLC controller in a hold: the trajectory reloaded puts the leaves at the delivered fraction, the beam held until RESUME, then delivered to its meterset', async () => {
    const e = await toReady();
    e.session.send({ type: 'BEAM_ON', operator: 'rtt' });
    await until(() => e.room.beam.status.state === BeamState.BeamOn && e.room.beam.status.mu1 > 10, 10_000, 'a third of the beam');
    e.room.mlc.powerCycle(); // the controller restarts: connection dropped, leaves closed, no trajectory
    e.room.mlcHost.host.dropConnections();
    await until(() => stateOf(e) === 'beamHold' && e.room.beam.status.state === BeamState.Held, 3000, 'the hold, the linac held');
    await until(() => e.session.drivers.mlc.isFresh() && e.session.snapshot.context.evidence.mlc?.status.trajectoryMode === false, 3000, 'the link fresh again');
    const heldAtMu = e.room.beam.status.mu1;
    e.session.send({ type: 'RESUME', operator: 'rtt' });
    expect(stateOf(e)).toBe('beamHold'); // refused: the leaves are not on their trajectory

    const r = repositionMlc(e.session, { user: 'rtt', role: 'therapist' });
    expect(r).toMatchObject({ ok: true, beamId: 1, segment: 0 });
    // where the plan file's control points put the leaves at the delivered weight (linear in meterset weight)
    const cps = dynamicPlanJson(cfg.mlc).beams[0].trajectory;
    const w = heldAtMu / 30;
    const j = cps.findIndex((cp) => cp.metersetWeight >= w);
    const f = (w - cps[j - 1].metersetWeight) / (cps[j].metersetWeight - cps[j - 1].metersetWeight);
    const planned = (bank: 'bankAMm' | 'bankBMm', p: number) => cps[j - 1].positions[bank][p] * (1 - f) + cps[j].positions[bank][p] * f;
    const errorMm = () => Math.max(...MOVING_PAIRS.flatMap((p) => [Math.abs(e.room.mlc.positions.bankAMm[p] - planned('bankAMm', p)), Math.abs(e.room.mlc.positions.bankBMm[p] - planned('bankBMm', p))]));
    const judged = () => e.session.snapshot.context.evidence.trajectory;
    await until(() => errorMm() <= 0.05 && (judged()?.maxErrorMm ?? Infinity) <= cfg.mlc.positionToleranceMm, 5000, 'the leaves at the delivered fraction, so judged');
    expect(e.session.snapshot.context.evidence.mlc?.status.trajectoryMode).toBe(true); // following the dose again
    expect(stateOf(e)).toBe('beamHold');
    expect(e.room.beam.status.mu1).toBe(heldAtMu);
    e.session.send({ type: 'RESUME', operator: 'rtt' });
    await until(() => stateOf(e) === 'fractionComplete', 15_000, 'beam completed after the resume');
    expect(e.room.beam.status.mu1).toBeCloseTo(30, 2);
    expect(journalOf(e).filter((x) => x.kind === 'operator').map((x) => (x.data as { type: string }).type)).toEqual(['LOAD_PLAN', 'APPROVE', 'BEAM_ON', 'RESUME', 'REPOSITION_MLC', 'RESUME']);
  });
});
