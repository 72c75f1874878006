/**
 * Latched interlocks survive a restart: a session given the latches of an
 * earlier journal starts in fault, refuses beam-on and every other event, and
 * leaves only on an operator RESET (to idle when only those latches remain).
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { motionSettings, stateName, toleranceSet } from '../../src/bridge/bridge-session.js';
import type { InterlockId } from '../../src/interlock/interlock-catalogue.js';
import { sessionMachine } from '../../src/interlock/session-machine.js';
import type { SessionCommand, SessionEvent } from '../../src/interlock/session-types.js';
import { config, examplePlan, SessionHarness } from '../helpers/session-harness.js';

const EARLIER = '/journals/P1-fx1-earlier.jsonl';

function carriedSession(ids: InterlockId[] = ['IL-EMERGENCY-STOP']) {
  const links = { lastValidRxMs: undefined, staleAfterMs: 150 };
  const commands: SessionCommand[] = [];
  const actor = createActor(sessionMachine, {
    input: {
      mlcModel: config.mlc, actionLevels: config.bridge.actionLevels, motionSettings: motionSettings(config), tolerances: toleranceSet(config), settleMs: config.couch.inPosition.settleMs, approvalTtlMs: 60_000,
      evidence: { links: { mlc: links, couch: links, beam: links } }, carriedLatches: { ids, journal: EARLIER },
    },
  });
  actor.on('command', (c) => commands.push(c));
  actor.start();
  // the room as a harness reports it at 2 s: links fresh, beam off, couch still, the e-stop released
  const h = new SessionHarness();
  h.t = 2_000;
  const evidence = h.evidence();
  const send = (e: Omit<SessionEvent, 'atMs'>, atMs = 2_000) => actor.send({ ...e, atMs } as SessionEvent);
  return { actor, commands, state: () => stateName(actor.getSnapshot().value), send, evidence };
}

describe('latches carried from an earlier journal', () => {
  it('start the session in fault, with the latches and a fault reason naming the journal, and stop the devices', () => {
    const s = carriedSession();
    expect(s.state()).toBe('fault');
    expect(s.actor.getSnapshot().context.latchedFaults).toEqual(['IL-EMERGENCY-STOP']);
    expect(s.actor.getSnapshot().context.faultReason).toContain(EARLIER);
    expect(s.commands.map((c) => c.command)).toEqual(['TERMINATE_BEAM', 'STOP_MLC', 'STOP_COUCH']);
  });

  it('refuse LOAD_PLAN and BEAM_ON until an operator RESET, which returns the session to idle with no latch', () => {
    const s = carriedSession();
    s.send({ type: 'EVIDENCE', evidence: s.evidence } as never);
    s.send({ type: 'LOAD_PLAN', plan: examplePlan } as never);
    s.send({ type: 'BEAM_ON', operator: 'rtt' } as never);
    expect(s.state()).toBe('fault');
    s.send({ type: 'RESET', operator: 'rtt' } as never);
    expect(s.state()).toBe('idle');
    expect(s.actor.getSnapshot().context.latchedFaults).toEqual([]);
    expect(s.actor.getSnapshot().context.faultReason).toBeUndefined();
    s.send({ type: 'LOAD_PLAN', plan: examplePlan } as never);
    expect(s.state()).toBe('setup.awaitingRegistration');
  });

  it('a latch added in this session is not cleared back to idle: the RESET ends the session in aborted', () => {
    const s = carriedSession();
    s.send({ type: 'EVIDENCE', evidence: s.evidence } as never);
    s.send({ type: 'COUCH_MOTION_FAULT', reason: 'stall' } as never);
    s.send({ type: 'RESET', operator: 'rtt' } as never);
    expect(s.state()).toBe('aborted');
  });

  it('are not cleared by a RESET before the linac has reported fresh status: the e-stop release is unconfirmed', () => {
    const s = carriedSession();
    s.send({ type: 'RESET', operator: 'rtt' } as never); // nothing heard from any device since the restart
    expect(s.state()).toBe('fault');
    s.send({ type: 'EVIDENCE', evidence: s.evidence } as never, 2_000);
    s.send({ type: 'RESET', operator: 'rtt' } as never, 2_000 + config.bridge.tolerances.evidenceMaxAgeMs + 1); // that status is now stale
    expect(s.state()).toBe('fault');
    expect(s.actor.getSnapshot().context.latchedFaults).toEqual(['IL-EMERGENCY-STOP']);
    s.send({ type: 'RESET', operator: 'rtt' } as never, 2_000); // fresh status showing the e-stop released and the beam off
    expect(s.state()).toBe('idle');
  });

  it('a carried couch fault is not cleared without fresh couch status, though the linac reports', () => {
    const s = carriedSession(['IL-COUCH-FAULT']);
    const { couch: _couch, ...noCouch } = s.evidence;
    s.send({ type: 'EVIDENCE', evidence: noCouch } as never);
    s.send({ type: 'RESET', operator: 'rtt' } as never);
    expect(s.state()).toBe('fault');
    s.send({ type: 'EVIDENCE', evidence: s.evidence } as never);
    s.send({ type: 'RESET', operator: 'rtt' } as never);
    expect(s.state()).toBe('idle');
  });

  it('with no carried latches the session starts in idle', () => {
    expect(new SessionHarness().state).toBe('idle');
  });
});
