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
  /** The condition, as shown to the operator. */
  readonly reason: string;
  readonly latch: LatchPolicy;
  /** The signal the condition is judged from. */
  readonly source?: string;
  /** What the session does while it is unmet (beyond the latch policy's default). */
  readonly action?: string;
  /** How it is reset (beyond the latch policy's default). */
  readonly reset?: string;
  /** The standard, report or lesson that motivates it. */
  readonly clause?: string;
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
  'IL-JOURNAL-UNAVAILABLE',
  'IL-UNEXPECTED-BEAM',
  'IL-MU-OVERRUN',
  'IL-BACKUP-TIMER',
  'IL-PRESET-MISMATCH',
] as const;

export type InterlockId = (typeof INTERLOCK_IDS)[number];

const def = (id: InterlockId, latch: LatchPolicy, reason: string, more: Omit<InterlockDefinition, 'id' | 'latch' | 'reason'> = {}): InterlockDefinition => ({ id, latch, reason, ...more });

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
  'IL-JOURNAL-UNAVAILABLE': def('IL-JOURNAL-UNAVAILABLE', 'hold', 'the journal cannot write its records to stable storage (they wait in memory)', {
    source: 'journal write and fsync results (Journal.status)',
    action: 'hold; safety commands still go out first, the records are written once the disk takes writes',
    reset: 'the journal writable again (every pending record written) and an operator RESUME',
    clause: 'Leveson & Turner 1993: keep incident logs; the bridge acts only on what it can record',
  }),
  'IL-UNEXPECTED-BEAM': def('IL-UNEXPECTED-BEAM', 'latched', 'the linac reports the beam on while the session has not asked for it (outside beamOn, or still on a second after a hold)', {
    source: 'beam status: state',
    action: 'terminate, repeated until the readback shows the beam off; MLC and couch stopped',
    reset: 'the readback shows the beam off and an operator RESET',
    clause: 'IEC 60601-2-1 termination; Leveson & Turner 1993: act on the measured state, not the commanded one',
  }),
  'IL-MU-OVERRUN': def('IL-MU-OVERRUN', 'latched', 'a monitor-unit channel reports more than the segment end plus tolerance for the selected beam', {
    source: 'beam status: beam id, MU channels 1 and 2',
    action: 'terminate; MLC and couch stopped',
    reset: 'the readback shows the beam off and an operator RESET',
    clause: 'IEC 60601-2-1: two dose-monitoring channels, termination when a preset is exceeded; `tolerances.muOverrunMu` sits above the ≈ 0.6 MU end-of-segment overshoot of older controllers',
  }),
  'IL-BACKUP-TIMER': def('IL-BACKUP-TIMER', 'latched', 'the beam has been on longer than its planned time (preset MU / dose rate) × factor + margin, cumulative across interruptions', {
    source: 'the bridge clock while the linac reports the beam on',
    action: 'terminate; MLC and couch stopped',
    reset: 'the readback shows the beam off and an operator RESET',
    clause: 'IEC 60601-2-1: a backup timer terminates at the preset time, cumulative across interruptions',
  }),
  'IL-PRESET-MISMATCH': def('IL-PRESET-MISMATCH', 'latched', 'the linac reports the selected beam armed with a preset MU or dose rate other than the plan', {
    source: 'beam status: beam id, preset MU, dose rate (checked on the ARM reply and before every BEAM_ON)',
    action: 'beam-on refused; a running beam is terminated',
    reset: 'the readback shows the beam off and an operator RESET',
    clause: 'Leveson & Turner 1993: re-check the full parameter set at beam-on, never from cached state',
  }),
});

export const latchPolicy = (id: InterlockId): LatchPolicy => INTERLOCKS[id].latch;
