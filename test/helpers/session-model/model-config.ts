/**
 * The fixed parts of an abstract session model: the plans it runs, the session
 * input (tolerances from config/default.json, a short approval lifetime so it can
 * expire within a few steps) and the time steps between events.
 */
import { motionSettings, toleranceSet } from '../../../src/bridge/bridge-session.js';
import type { Plan } from '../../../src/domain/plan/plan.js';
import { noLinks } from '../../../src/interlock/evidence.js';
import type { SessionInput } from '../../../src/interlock/session-types.js';
import { config, examplePlan } from '../session-harness.js';

/** Time steps between room reports and ticks, ms: small stays under every timer, large (> 1000 ms) crosses dwell, confirm and hold timers. */
export const SMALL_STEP_MS = 100;
export const LARGE_STEP_MS = 1100;
/** Age of the last report from a link that has gone stale, ms (above the 150 ms heartbeat and the 300 ms evidence limit). */
export const STALE_AGE_MS = 400;
/** Approval lifetime in the model, ms (short, so a late approval is reachable in two large steps). */
export const MODEL_APPROVAL_TTL_MS = 2000;

/**
 * The example plan cut to `beams` beams of `segments` segments of 1 MU each
 * (2 MU at 600 MU/min: a 2.22 s backup-timer limit, reachable in a few large steps).
 * `protocol` 'srs' makes intrafraction monitoring and verification imaging required.
 */
export function modelPlan(beams: number, segments: number, protocol: 'conventional' | 'srs' = 'conventional'): Plan {
  return {
    ...examplePlan,
    protocol,
    beams: examplePlan.beams.slice(0, beams).map((b) => ({ ...b, segments: b.segments.slice(0, segments).map((s) => ({ ...s, mu: 1 })) })),
  };
}

export function modelInput(): SessionInput {
  return {
    mlcModel: config.mlc,
    actionLevels: config.bridge.actionLevels,
    motionSettings: motionSettings(config),
    tolerances: toleranceSet(config),
    settleMs: config.couch.inPosition.settleMs,
    approvalTtlMs: MODEL_APPROVAL_TTL_MS,
    evidence: { links: noLinks(150) },
  };
}
