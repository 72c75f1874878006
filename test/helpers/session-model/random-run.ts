/**
 * Runs the session machine as a live actor (createActor) against the abstract
 * room on a simulated clock, for the fast-check property tests: each step is
 * either the event that moves a nominal session on, or any event of the full
 * alphabet (no limit on simultaneous faults), after any delay. The invariants
 * are checked after every event, with the commands the actor emitted for it.
 */
import { createActor } from 'xstate';
import { stateName } from '../../../src/bridge/bridge-session.js';
import type { Plan } from '../../../src/domain/plan/plan.js';
import { sessionMachine, type SessionMachine } from '../../../src/interlock/session-machine.js';
import type { SessionCommand } from '../../../src/interlock/session-types.js';
import { deviations, nominalRoom, obey, type AbstractRoom } from './abstract-room.js';
import { INITIAL_MONITOR, checkEdge, type Violation } from './invariants.js';
import { modelInput } from './model-config.js';
import { COMMANDS, modelEvents, sessionEvent, type ModelEvent } from './model-events.js';
import { applyChange, roomChanges } from './room-changes.js';

export interface RandomStep {
  /** Take the nominal next event (else the event numbered `pick` of the full alphabet). */
  readonly progress: boolean;
  readonly pick: number;
  /** Time since the previous event, ms. */
  readonly dtMs: number;
}

/** The event that moves a nominal session on from this state: first a repair of the room, if anything is wrong. */
function progressEvent(state: string, room: AbstractRoom): ModelEvent {
  const report: ModelEvent = { type: 'report', dtMs: 0 };
  const n = deviations(room);
  const repair = n > 0 ? roomChanges(room, 0).find((c) => deviations(applyChange(room, c, 0)) < n) : undefined;
  if (repair && !state.startsWith('setup.await')) return { type: 'room', change: repair, dtMs: 0 };
  if ((state === 'fault' || state === 'ready') && room.linac === 'BeamOn') return { type: 'room', change: 'linac:Terminated', dtMs: 0 };
  switch (state) {
    case 'idle': return { type: 'operator', name: 'LOAD_PLAN' };
    case 'setup.awaitingRegistration':
    case 'setup.awaitingVerification': return { type: 'operator', name: 'REGISTRATION', size: 'small' };
    case 'setup.awaitingApproval': return { type: 'operator', name: 'APPROVE' };
    case 'ready': return { type: 'operator', name: 'BEAM_ON' };
    case 'beamOn': return room.linac === 'BeamOn' ? { type: 'room', change: 'deliver', dtMs: 0 } : report;
    case 'beamHold': return { type: 'operator', name: 'RESUME' };
    case 'fault': return { type: 'operator', name: 'RESET' };
    default: return report;
  }
}

export interface RandomRun {
  readonly violations: readonly (Violation & { readonly step: number; readonly state: string })[];
  /** Every state the session was in, in order. */
  readonly states: readonly string[];
}

export function runRandom(plan: Plan, steps: readonly RandomStep[], machine: SessionMachine = sessionMachine): RandomRun {
  const actor = createActor(machine, { input: modelInput() });
  const commands: SessionCommand[] = [];
  actor.on('command', (c) => commands.push(c));
  actor.start();
  let room = nominalRoom(plan.protocol === 'srs');
  let nowMs = 0;
  let monitor = INITIAL_MONITOR;
  const violations: (Violation & { step: number; state: string })[] = [];
  const states: string[] = [];
  steps.forEach((s, i) => {
    const before = actor.getSnapshot();
    const all = modelEvents(room, { maxDeviations: 99, failingCommands: COMMANDS, registrationSizes: ['small', 'large'] });
    const e = s.progress ? progressEvent(stateName(before.value), room) : all[s.pick % all.length];
    // the nominal flow reports the room often (a link heartbeat is 100 ms)
    nowMs += s.progress ? Math.min(s.dtMs, 50) : s.dtMs;
    if (e.type === 'room') room = applyChange(room, e.change, nowMs);
    const event = sessionEvent(e, room, before.context, plan, nowMs);
    commands.length = 0;
    actor.send(event);
    const after = actor.getSnapshot();
    const r = checkEdge({ from: before, event, to: after, commands: [...commands] }, monitor);
    monitor = r.monitor;
    violations.push(...r.violations.map((v) => ({ ...v, step: i, state: stateName(before.value) })));
    states.push(stateName(after.value));
    room = obey(room, commands);
  });
  actor.stop();
  return { violations, states };
}
