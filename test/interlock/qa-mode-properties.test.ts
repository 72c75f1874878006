/**
 * QA mode under random sessions (fast-check): whatever a physicist, the room and the devices do,
 * a QA beam-on is commanded only with the room safe as the room itself says (door closed, e-stop
 * released, every link heard, channels agreeing, couch still), a QA beam is never left on after
 * the room became unsafe, QA mode never holds a plan, and leaving it leaves nothing verified.
 * The invariants are judged from the harness's room, not from the permit code under test.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { SessionHarness, config } from '../helpers/session-harness.js';

type Act =
  | 'door' | 'estop' | 'staleBeam' | 'staleMlc' | 'couchMoving' | 'channels' | 'deliver' | 'tick' | 'longTick'
  | 'enterPhysicist' | 'enterTherapist' | 'select' | 'beamOn' | 'resume' | 'hold' | 'exit' | 'loadPlan' | 'abort';
/** Weighted so sessions reach QA beam-on often; the absorbing acts (a plan, an abort, a channel fault) are rare. */
const WEIGHTS: Readonly<Record<Act, number>> = {
  door: 4, estop: 1, staleBeam: 2, staleMlc: 2, couchMoving: 2, channels: 1, deliver: 6, tick: 6, longTick: 2,
  enterPhysicist: 6, enterTherapist: 1, select: 5, beamOn: 8, resume: 6, hold: 2, exit: 1, loadPlan: 1, abort: 1,
};
const act: fc.Arbitrary<Act> = fc.oneof(...(Object.entries(WEIGHTS) as Array<[Act, number]>).map(([a, weight]) => ({ arbitrary: fc.constant(a), weight })));
const sessions = fc.array(act, { minLength: 1, maxLength: 60, size: 'max' });

/** A link last heard longer ago than its stale limit (150 ms in the harness). */
const linkStale = (h: SessionHarness, k: 'beam' | 'mlc'): boolean => h.room.linkHeardAt[k] !== undefined && h.t - h.room.linkHeardAt[k]! > 150;

function roomSafe(h: SessionHarness): boolean {
  const r = h.room;
  return r.doorClosed && !r.emergencyStop && !linkStale(h, 'beam') && !linkStale(h, 'mlc') && !r.couchMoving && Math.abs(r.beam.mu1 - r.beam.mu2) < 0.05;
}

function apply(h: SessionHarness, a: Act): void {
  const r = h.room;
  switch (a) {
    case 'door': r.doorClosed = !r.doorClosed; return h.tick();
    case 'estop': r.emergencyStop = !r.emergencyStop; return h.tick();
    case 'staleBeam': r.linkHeardAt.beam = r.linkHeardAt.beam === undefined ? h.t : undefined; return h.tick();
    case 'staleMlc': r.linkHeardAt.mlc = r.linkHeardAt.mlc === undefined ? h.t : undefined; return h.tick();
    case 'couchMoving': r.couchMoving = !r.couchMoving; return h.tick();
    case 'channels': r.beam.mu2 = r.beam.mu1 + 0.7; return h.tick();
    case 'deliver': return r.beam.state === BeamState.BeamOn ? h.deliver(3) : h.tick();
    case 'tick': return h.tick(20);
    case 'longTick': return h.tick(400);
    case 'enterPhysicist': return h.send({ type: 'ENTER_QA', operator: 'dr-qa', role: 'physicist' } as never);
    case 'enterTherapist': return h.send({ type: 'ENTER_QA', operator: 'rtt', role: 'therapist' } as never);
    case 'select': return h.send({ type: 'QA_SELECT_BEAM', operator: 'dr-qa', beam: { beamId: 901, presetMu: 10, doseRateMuPerMin: 600 } } as never);
    case 'beamOn': return h.send({ type: 'BEAM_ON', operator: 'dr-qa' } as never);
    case 'resume': return h.send({ type: 'RESUME', operator: 'dr-qa' } as never);
    case 'hold': return h.send({ type: 'OPERATOR_HOLD', operator: 'dr-qa' } as never);
    case 'exit': return h.send({ type: 'EXIT_QA', operator: 'dr-qa' } as never);
    case 'loadPlan': return h.send({ type: 'LOAD_PLAN', plan: h.plan } as never);
    case 'abort': return h.send({ type: 'ABORT', operator: 'dr-qa' } as never);
  }
}

/** Violations of the QA-mode invariants over one random session. */
function violations(acts: readonly Act[]): string[] {
  const h = new SessionHarness();
  h.room.mlc = { bankAMm: Array(config.mlc.leafPairs).fill(-10), bankBMm: Array(config.mlc.leafPairs).fill(10) };
  h.tick();
  const out: string[] = [];
  for (const [k, a] of acts.entries()) {
    const before = h.state;
    const commands = h.commands.length;
    const safeBefore = roomSafe(h);
    apply(h, a);
    const beamOnSent = h.commands.slice(commands).some((c) => c.command === 'BEAM_ON');
    if (before.startsWith('qa') && beamOnSent && !safeBefore) out.push(`${k} ${a}: QA beam-on commanded with the room unsafe`);
    if (h.state.startsWith('qa') && h.context.plan !== undefined) out.push(`${k} ${a}: a plan in QA mode`);
    if (h.state === 'qa.beamOn' && a !== 'beamOn' && a !== 'resume' && !roomSafe(h)) out.push(`${k} ${a}: QA beam left on with the room unsafe`);
    if (before.startsWith('qa') && h.state === 'idle' && (h.context.setupVerified || h.context.qa !== undefined)) out.push(`${k} ${a}: left QA mode with something verified or selected`);
    if (a === 'enterTherapist' && h.state.startsWith('qa') && !before.startsWith('qa')) out.push(`${k} ${a}: QA mode entered by a therapist`);
  }
  return out;
}

describe('QA mode under random sessions', () => {
  it('commands a QA beam-on only with the room safe, never leaves it on unsafe, never holds a plan', () => {
    fc.assert(fc.property(sessions, (acts) => {
      expect(violations(acts)).toEqual([]);
    }), { seed: 142, numRuns: 400 });
  });

  it('reaches QA beam-on, hold and delivery in those sessions (the property is not vacuous)', () => {
    const reached = new Set<string>();
    fc.assert(fc.property(sessions, (acts) => {
      const h = new SessionHarness();
      h.room.mlc = { bankAMm: Array(config.mlc.leafPairs).fill(-10), bankBMm: Array(config.mlc.leafPairs).fill(10) };
      h.tick();
      for (const a of acts) {
        apply(h, a);
        reached.add(h.state);
      }
    }), { seed: 142, numRuns: 400 });
    expect([...reached]).toEqual(expect.arrayContaining(['qa.idle', 'qa.ready', 'qa.beamOn', 'qa.beamHold', 'fault']));
  });
});
