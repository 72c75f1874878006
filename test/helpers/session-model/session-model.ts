/**
 * The abstract session model as xstate ActorLogic, explored breadth-first by
 * @xstate/graph's getAdjacencyMap. A model state is (session snapshot, room,
 * room as last reported, time); its key (model-key.ts) abstracts time to
 * buckets. Each edge runs the machine's pure `transition`, reads the commands it
 * emits, checks every invariant, lets the room obey the commands, and returns
 * the first concrete state found for the target key (so the adjacency map holds
 * one object per abstract state, and a violation's path replays exactly).
 */
import { getAdjacencyMap } from '@xstate/graph';
import { initialTransition, transition, type ActorLogic, type SnapshotFrom } from 'xstate';
import type { Plan } from '../../../src/domain/plan/plan.js';
import { sessionMachine, type SessionMachine } from '../../../src/interlock/session-machine.js';
import type { SessionCommand, SessionEvent, SessionInput } from '../../../src/interlock/session-types.js';
import { nominalRoom, obey, type AbstractRoom } from './abstract-room.js';
import { INITIAL_MONITOR, checkEdge, topState, type InvariantId, type Monitor } from './invariants.js';
import { modelInput } from './model-config.js';
import { eventTime, modelEvents, sessionEvent, type Alphabet, type ModelEvent } from './model-events.js';
import { modelKey } from './model-key.js';
import { applyChange } from './room-changes.js';

export interface ModelOptions {
  readonly name: string;
  readonly plan: Plan;
  readonly alphabet: Alphabet;
  /** The machine under test (a deliberately broken variant in the checker's own tests). */
  readonly machine?: SessionMachine;
  /** Stop growing the model once this many violations are found. */
  readonly stopAfterViolations?: number;
  /** Latches carried from an earlier journal: the session starts in fault (a restart after a latched end). */
  readonly carriedLatches?: SessionInput['carriedLatches'];
}

export interface ModelState {
  readonly status: 'active';
  readonly output: undefined;
  readonly error: undefined;
  readonly machine: SnapshotFrom<SessionMachine>;
  readonly room: AbstractRoom;
  readonly reported: AbstractRoom;
  readonly reportedAtMs: number;
  readonly nowMs: number;
  readonly monitor: Monitor;
  readonly key: string;
}

export interface FoundViolation {
  readonly invariant: InvariantId;
  readonly detail: string;
  /** From the initial state: the abstract events, the last one being the violating edge. */
  readonly path: readonly ModelEvent[];
  readonly state: string;
}

export interface ExploreResult {
  readonly name: string;
  readonly states: number;
  readonly edges: number;
  readonly ms: number;
  readonly violationCount: number;
  readonly violations: readonly FoundViolation[];
  /** Abstract states per top-level machine state. */
  readonly statesByMachineState: Readonly<Record<string, number>>;
}

/** The commands a pure transition emitted. */
export function emittedCommands(actions: readonly { type: string; params?: unknown }[]): SessionCommand[] {
  return actions.flatMap((a) => {
    const ev = a.type === 'xstate.emit' ? (a.params as { event?: { type?: string } } | undefined)?.event : undefined;
    return ev?.type === 'command' ? [ev as SessionCommand] : [];
  });
}

/** One model step: the concrete edge, its violations and the state after it. */
export function step(opts: ModelOptions, s: ModelState, e: ModelEvent) {
  const machine = opts.machine ?? sessionMachine;
  const nowMs = s.nowMs + eventTime(e);
  const room = e.type === 'room' ? applyChange(s.room, e.change, nowMs) : s.room;
  const event: SessionEvent = sessionEvent(e, room, s.machine.context, opts.plan, nowMs);
  const [next, actions] = transition(machine, s.machine, event);
  const commands = emittedCommands(actions as never);
  const { violations, monitor } = checkEdge({ from: s.machine, event, to: next, commands }, s.monitor);
  const reported = event.type === 'EVIDENCE' ? room : s.reported;
  const reportedAtMs = event.type === 'EVIDENCE' ? nowMs : s.reportedAtMs;
  const parts = { machine: next, room: obey(room, commands), reported, reportedAtMs, nowMs, monitor };
  const state: ModelState = { status: 'active', output: undefined, error: undefined, ...parts, key: modelKey({ ...parts, value: next.value, context: next.context }) };
  return { event, commands, violations, state };
}

export function initialModelState(opts: ModelOptions): ModelState {
  const [machine] = initialTransition(opts.machine ?? sessionMachine, { ...modelInput(), carriedLatches: opts.carriedLatches });
  const room = nominalRoom(opts.plan.protocol === 'srs');
  const parts = { machine, room, reported: room, reportedAtMs: 0, nowMs: 0, monitor: INITIAL_MONITOR };
  return { status: 'active', output: undefined, error: undefined, ...parts, key: modelKey({ ...parts, value: machine.value, context: machine.context }) };
}

/** Explores the model with @xstate/graph, checking the invariants on every edge. */
export function explore(opts: ModelOptions): ExploreResult {
  const t0 = performance.now();
  const canonical = new Map<string, ModelState>();
  const parents = new Map<string, { parent: string; event: ModelEvent }>();
  const violations: FoundViolation[] = [];
  let violationCount = 0;
  let edges = 0;
  const pathTo = (key: string): ModelEvent[] => {
    const out: ModelEvent[] = [];
    for (let p = parents.get(key); p; p = parents.get(p.parent)) out.unshift(p.event);
    return out;
  };
  const logic: ActorLogic<ModelState, ModelEvent, undefined> = {
    getInitialSnapshot: () => {
      const s = initialModelState(opts);
      canonical.set(s.key, s);
      return s;
    },
    transition: (s, e) => {
      if (opts.stopAfterViolations !== undefined && violationCount >= opts.stopAfterViolations) return s;
      edges++;
      const r = step(opts, s, e);
      for (const v of r.violations) {
        violationCount++;
        if (violations.length < 20) violations.push({ ...v, path: [...pathTo(s.key), e], state: s.key });
      }
      const seen = canonical.get(r.state.key);
      if (seen) return seen;
      canonical.set(r.state.key, r.state);
      parents.set(r.state.key, { parent: s.key, event: e });
      return r.state;
    },
    getPersistedSnapshot: (s) => s,
  };
  const adj = getAdjacencyMap(logic, { events: (s) => modelEvents(s.room, opts.alphabet), serializeState: (s) => s.key, serializeEvent: describeEvent as never });
  const statesByMachineState: Record<string, number> = {};
  for (const { state } of Object.values(adj)) {
    const top = topState(state.machine);
    statesByMachineState[top] = (statesByMachineState[top] ?? 0) + 1;
  }
  return { name: opts.name, states: Object.keys(adj).length, edges, ms: Math.round(performance.now() - t0), violationCount, violations, statesByMachineState };
}

/** Replays a path of abstract events from the initial state; returns each edge's violations and the end state. */
export function replay(opts: ModelOptions, path: readonly ModelEvent[]) {
  let s = initialModelState(opts);
  const steps = path.map((e) => {
    const r = step(opts, s, e);
    s = r.state;
    return r;
  });
  return { state: s, steps };
}

export function describeEvent(e: ModelEvent): string {
  switch (e.type) {
    case 'room': return `room ${e.change} +${e.dtMs}ms`;
    case 'report': return `report +${e.dtMs}ms`;
    case 'tick': return `TICK +${e.dtMs}ms`;
    case 'operator': return `${e.size ? `${e.name}(${e.size})` : e.name}${e.dtMs ? ` +${e.dtMs}ms` : ''}`;
    case 'failed': return `COMMAND_FAILED ${e.command}`;
    case 'couchMotionFault': return 'COUCH_MOTION_FAULT';
  }
}
