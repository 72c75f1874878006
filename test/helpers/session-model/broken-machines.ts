/**
 * Deliberately broken variants of the session machine, one per invariant, to
 * show that the checker catches each kind of fault (a checker that never fails
 * proves nothing).
 */
import { assign, createMachine, emit } from 'xstate';
import { sessionMachine, type SessionMachine } from '../../../src/interlock/session-machine.js';
import type { InvariantId } from './invariants.js';

/** beamHold also leaves for beamOn on a TICK (no operator RESUME). */
function holdLeftOnTick(): SessionMachine {
  const cfg = sessionMachine.config as { states: Record<string, { on?: Record<string, unknown> }> };
  const beamHold = cfg.states.beamHold;
  const broken = { ...cfg, states: { ...cfg.states, beamHold: { ...beamHold, on: { ...beamHold.on, TICK: { target: 'beamOn' } } } } };
  return createMachine(broken as never).provide(sessionMachine.implementations as never) as unknown as SessionMachine;
}

export const BROKEN_MACHINES: Readonly<Record<InvariantId, { readonly fault: string; readonly machine: () => SessionMachine }>> = {
  'permit-while-beam-on': { fault: 'a running beam is never held (holdNeeded always false)', machine: () => sessionMachine.provide({ guards: { holdNeeded: () => false } }) },
  'unexpected-beam-terminated': { fault: 'the beam readback is never seen on (linacBeamOn always false)', machine: () => sessionMachine.provide({ guards: { linacBeamOn: () => false } }) },
  'hold-fault-left-by-operator': { fault: 'beamHold resumes by itself on a TICK', machine: holdLeftOnTick },
  'beam-on-command-on-entry': {
    fault: 'the hold action emits BEAM_ON',
    machine: () => sessionMachine.provide({ actions: { commandHold: emit({ type: 'command', command: 'BEAM_ON', beamId: 1, presetMu: 2, doseRateMuPerMin: 600 }) as never } }),
  },
  'start-permit-on-resume': { fault: 'the start permit always passes (permitted always true)', machine: () => sessionMachine.provide({ guards: { permitted: () => true } }) },
  'fault-has-reason': { fault: 'an unexpected beam latches without a reason', machine: () => sessionMachine.provide({ actions: { latchUnexpectedBeam: assign({ faultReason: () => undefined }) as never } }) },
};
