/**
 * The safety invariants of the treatment-session statechart, judged on one edge
 * (snapshot before, event, snapshot after, commands emitted on the edge). Used
 * by the enumeration (every edge of the abstract model) and by the property
 * tests (every event sent to a running actor). The permit is judged with
 * permitFor (the same mapping of context to evaluatePermit as the guards), but
 * never through the machine's own guards, so a wrong guard is caught.
 */
import { stateName } from '../../../src/bridge/bridge-session.js';
import { currentBeam, permitFor, BEAM_ON_CONFIRM_MS, TERMINATE_RETRY_MS } from '../../../src/interlock/session-guards.js';
import type { SessionCommand, SessionContext, SessionEvent } from '../../../src/interlock/session-types.js';
import { BeamState } from '../../../src/protocol/beam-protocol.js';

export interface EdgeSnapshot {
  readonly value: unknown;
  readonly context: SessionContext;
}

export interface SessionEdge {
  readonly from: EdgeSnapshot;
  readonly event: SessionEvent;
  readonly to: EdgeSnapshot;
  readonly commands: readonly SessionCommand[];
}

export const INVARIANTS = {
  'permit-while-beam-on': 'every edge that ends in beamOn has the running permit on its evidence and time',
  'unexpected-beam-terminated': 'a fresh BeamOn readback outside beamOn/beamHold draws TERMINATE_BEAM on the edge (fault/aborted: repeated while due); in beamHold, a second after the hold',
  'hold-fault-left-by-operator': 'beamHold, fault and aborted are left only on RESUME, RESET, ABORT, or beamHold → fault',
  'beam-on-command-on-entry': 'BEAM_ON is emitted exactly on the edges that enter beamOn, once, for the selected beam',
  'start-permit-on-resume': 'entering beamOn from ready or beamHold, or after a RESUME at a segment boundary, passes the start permit; from mlcPositioning otherwise the running permit',
  'fault-has-reason': 'every entry into fault carries a faultReason that names the cause',
} as const;
export type InvariantId = keyof typeof INVARIANTS;

export interface Violation {
  readonly invariant: InvariantId;
  readonly detail: string;
}

/** What the checker remembers between edges: a RESUME at a segment boundary not yet followed by beamOn. */
export interface Monitor {
  readonly resumedAtBoundary: boolean;
}
export const INITIAL_MONITOR: Monitor = { resumedAtBoundary: false };

/** The state name at the top level ('setup' for its substates). */
export const topState = (s: EdgeSnapshot): string => stateName(s.value).split('.')[0];

/** The linac readback the machine judges on this edge reports the beam on, and is fresh. */
function readbackOn(e: SessionEdge): boolean {
  const ev = e.event.type === 'EVIDENCE' ? e.event.evidence : e.from.context.evidence;
  const age = ev.beam ? e.event.atMs - ev.beam.atMs : Infinity;
  return ev.beam?.status.state === BeamState.BeamOn && age <= e.from.context.tolerances.evidenceMaxAgeMs && age >= -1;
}

const sent = (e: SessionEdge, command: SessionCommand['command']) => e.commands.filter((c) => c.command === command).length;

function unexpectedBeam(e: SessionEdge, from: string, to: string): string | undefined {
  if (!readbackOn(e)) return undefined;
  if (from === 'beamOn') return undefined;
  if (from === 'beamHold') {
    const holdMs = e.event.atMs - (e.from.context.holdSinceMs ?? e.event.atMs);
    return e.event.type === 'EVIDENCE' && holdMs > BEAM_ON_CONFIRM_MS && !sent(e, 'TERMINATE_BEAM') ? `beam still on ${holdMs} ms after the hold, no TERMINATE_BEAM` : undefined;
  }
  if (sent(e, 'TERMINATE_BEAM')) return undefined;
  if (from === 'fault' || from === 'aborted') {
    const last = e.from.context.terminateSentAtMs;
    const due = last === undefined || e.event.atMs - last >= TERMINATE_RETRY_MS;
    if ((e.event.type === 'EVIDENCE' || e.event.type === 'TICK') && due) return `beam on in ${from}, terminate due (last ${last}), none sent`;
    return to === 'fault' || to === 'aborted' ? undefined : `beam on, ${from} → ${to} without TERMINATE_BEAM`;
  }
  return `beam on in ${from} (${e.event.type}) → ${to} without TERMINATE_BEAM`;
}

function holdFaultExit(e: SessionEdge, from: string, to: string): string | undefined {
  if (from === to || !['beamHold', 'fault', 'aborted'].includes(from)) return undefined;
  if (from === 'aborted') return `aborted left for ${to} on ${e.event.type}`;
  if (['RESUME', 'RESET', 'ABORT'].includes(e.event.type)) return undefined;
  return from === 'beamHold' && to === 'fault' ? undefined : `${from} → ${to} on ${e.event.type}`;
}

function beamOnCommand(e: SessionEdge, entering: boolean): string | undefined {
  const n = sent(e, 'BEAM_ON');
  if (n !== (entering ? 1 : 0)) return `${n} BEAM_ON command(s) on an edge ${entering ? 'entering' : 'not entering'} beamOn`;
  const c = e.commands.find((x) => x.command === 'BEAM_ON');
  const beam = currentBeam(e.to.context);
  return c && c.command === 'BEAM_ON' && c.beamId !== beam?.id ? `BEAM_ON for beam ${c.beamId}, selected ${beam?.id}` : undefined;
}

function entryPermit(e: SessionEdge, from: string, m: Monitor): string | undefined {
  const mode = from === 'ready' || from === 'beamHold' || m.resumedAtBoundary ? 'start' : 'running';
  const p = permitFor(e.from.context, e.event, mode);
  return p.permitted ? undefined : `${from} → beamOn on ${e.event.type} without the ${mode} permit: ${p.unmet.join(', ')}`;
}

/** Every invariant on one edge; returns the violations and the monitor after the edge. */
export function checkEdge(e: SessionEdge, m: Monitor): { violations: Violation[]; monitor: Monitor } {
  const from = topState(e.from);
  const to = topState(e.to);
  const entering = to === 'beamOn' && from !== 'beamOn';
  const found: [InvariantId, string | undefined][] = [
    ['permit-while-beam-on', to === 'beamOn' && !permitFor(e.to.context, e.event, 'running').permitted ? `in beamOn after ${e.event.type}: ${permitFor(e.to.context, e.event, 'running').unmet.join(', ')}` : undefined],
    ['unexpected-beam-terminated', unexpectedBeam(e, from, to)],
    ['hold-fault-left-by-operator', holdFaultExit(e, from, to)],
    ['beam-on-command-on-entry', beamOnCommand(e, entering)],
    ['start-permit-on-resume', entering ? entryPermit(e, from, m) : undefined],
    ['fault-has-reason', to === 'fault' && from !== 'fault' && !(e.to.context.faultReason && e.to.context.faultReason !== 'fault') ? `fault entered on ${e.event.type} with reason ${JSON.stringify(e.to.context.faultReason)}` : undefined],
  ];
  const violations = found.filter(([, d]) => d !== undefined).map(([invariant, detail]) => ({ invariant, detail: detail! }));
  const resumedAtBoundary = from === 'beamHold' && to === 'mlcPositioning' ? true : from === 'mlcPositioning' && to !== 'mlcPositioning' ? false : m.resumedAtBoundary;
  return { violations, monitor: resumedAtBoundary === m.resumedAtBoundary ? m : { resumedAtBoundary } };
}
