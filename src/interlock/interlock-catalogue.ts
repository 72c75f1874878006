/**
 * Every interlock the bridge enforces: a stable id, the reason shown to the
 * operator, and its latch policy.
 *  - permit:  gates beam-on only (cannot change while a beam runs);
 *  - hold:    holds a running beam; resuming needs the condition clear AND an operator RESUME;
 *  - latched: terminates the beam and latches a fault; needs the condition clear AND an operator RESET.
 * Beam-on is permitted only when every interlock is positively clear.
 */
export type LatchPolicy = 'permit' | 'hold' | 'latched';

export interface InterlockDefinition {
  readonly id: InterlockId;
  readonly reason: string;
  readonly latch: LatchPolicy;
}

export const INTERLOCK_IDS = [
  'IL-PLAN-NOT-LOADED',
  'IL-SETUP-NOT-VERIFIED',
  'IL-BEAM-NOT-READY',
  'IL-DOOR-OPEN',
  'IL-EMERGENCY-STOP',
  'IL-COUCH-NOT-IN-POSITION',
  'IL-COUCH-MOVING',
  'IL-COUCH-FAULT',
  'IL-COUCH-MOTION',
  'IL-MLC-NOT-IN-POSITION',
  'IL-MLC-FAULT',
  'IL-MLC-STALE',
  'IL-COUCH-STALE',
  'IL-BEAM-STALE',
  'IL-DOSE-CHANNELS-DISAGREE',
  'IL-MOTION-OUT-OF-WINDOW',
  'IL-MOTION-STALE',
  'IL-LATCHED-FAULT',
] as const;

export type InterlockId = (typeof INTERLOCK_IDS)[number];

const def = (id: InterlockId, latch: LatchPolicy, reason: string): InterlockDefinition => ({ id, latch, reason });

export const INTERLOCKS: Readonly<Record<InterlockId, InterlockDefinition>> = Object.freeze({
  'IL-PLAN-NOT-LOADED': def('IL-PLAN-NOT-LOADED', 'permit', 'no validated plan is loaded'),
  'IL-SETUP-NOT-VERIFIED': def('IL-SETUP-NOT-VERIFIED', 'permit', 'the approved couch correction has not been applied and verified in position'),
  'IL-BEAM-NOT-READY': def('IL-BEAM-NOT-READY', 'hold', 'the linac does not report the selected beam armed with MU left in the segment'),
  'IL-DOOR-OPEN': def('IL-DOOR-OPEN', 'hold', 'the treatment-room door is not reported closed by fresh linac status'),
  'IL-EMERGENCY-STOP': def('IL-EMERGENCY-STOP', 'latched', 'an emergency stop is pressed or its state is unknown'),
  'IL-COUCH-NOT-IN-POSITION': def('IL-COUCH-NOT-IN-POSITION', 'hold', 'the couch readback is not within tolerance of the approved target'),
  'IL-COUCH-MOVING': def('IL-COUCH-MOVING', 'hold', 'the couch reports motion'),
  'IL-COUCH-FAULT': def('IL-COUCH-FAULT', 'latched', 'the couch reports a fault'),
  'IL-COUCH-MOTION': def('IL-COUCH-MOTION', 'latched', 'the couch left its commanded path, stalled, overshot, overran its time or moved without a command'),
  'IL-MLC-NOT-IN-POSITION': def('IL-MLC-NOT-IN-POSITION', 'hold', 'a leaf readback is outside tolerance of the control point, or the MLC is moving'),
  'IL-MLC-FAULT': def('IL-MLC-FAULT', 'latched', 'the MLC controller reports a fault'),
  'IL-MLC-STALE': def('IL-MLC-STALE', 'hold', 'the MLC link has not reported within its heartbeat'),
  'IL-COUCH-STALE': def('IL-COUCH-STALE', 'hold', 'the couch link has not reported within its heartbeat'),
  'IL-BEAM-STALE': def('IL-BEAM-STALE', 'hold', 'the linac beam link has not reported within its heartbeat'),
  'IL-DOSE-CHANNELS-DISAGREE': def('IL-DOSE-CHANNELS-DISAGREE', 'latched', 'the two monitor-unit channels disagree beyond tolerance'),
  'IL-MOTION-OUT-OF-WINDOW': def('IL-MOTION-OUT-OF-WINDOW', 'hold', 'the monitored target is outside its window beyond the debounce time, or not yet back inside for the dwell time'),
  'IL-MOTION-STALE': def('IL-MOTION-STALE', 'hold', 'the intrafraction monitoring stream has not delivered a sample within its expected period'),
  'IL-LATCHED-FAULT': def('IL-LATCHED-FAULT', 'permit', 'a latched fault has not been reset by the operator'),
});

export const latchPolicy = (id: InterlockId): LatchPolicy => INTERLOCKS[id].latch;
