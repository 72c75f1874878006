/**
 * Every interlock the bridge enforces: a stable id, the condition shown to the
 * operator, the signal it is judged from, what the session does, how it is
 * reset, and the source that motivates it (docs/interlocks.md is generated
 * from this file: `npm run interlocks`).
 *  - permit:  vetoes beam-on (and RESUME) only;
 *  - hold:    vetoes beam-on and holds a running beam (an interruption, IEC 60601-2-1);
 *             resuming needs the condition clear AND an operator RESUME;
 *  - latched: vetoes beam-on, terminates the beam (a termination), stops MLC and couch and
 *             latches a fault; RESET needs `clearedBy` AND the couch still, then ends the fraction.
 * Beam-on is permitted only when every interlock is positively clear. None can
 * be bypassed or overridden: the bridge has no override path.
 */
export type LatchPolicy = 'permit' | 'hold' | 'latched';

/**
 * What a latched fault needs before RESET: `condition` — the observation that
 * raised it is clear again (a standing fault); `beam-off` — only the readback
 * showing the beam off (a fault that is an event, with nothing left to clear).
 */
export type ClearedBy = 'condition' | 'beam-off';

export interface InterlockDefinition {
  readonly id: InterlockId;
  /** The condition, as shown to the operator. */
  readonly reason: string;
  readonly latch: LatchPolicy;
  /** Latched interlocks only: what must hold before RESET. */
  readonly clearedBy?: ClearedBy;
  /** The signal the condition is judged from. */
  readonly source: string;
  /** What the session does while it is unmet, in detail. */
  readonly action: string;
  /** How it is reset, and by whom. */
  readonly reset: string;
  /** The standard, regulation, report or lesson that motivates it (short forms: docs/interlocks.md, Sources). */
  readonly clause: string;
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

const def = (id: InterlockId, latch: LatchPolicy, reason: string, more: Omit<InterlockDefinition, 'id' | 'latch' | 'reason'>): InterlockDefinition => ({ id, latch, reason, ...more });

// Short forms used in `clause` (full references in docs/interlocks.md, Sources):
// IEC 60601-2-1 (the 2020 edition's subclause numbers are unverified; "ed. 2 29.1.x" is the older
// numbering as listed in the contents of GOST IEC 60601-2-1-2011), 25 Pa. Code ch. 228, TG-142, TG-100, TG-179, L&T 1993.
const RESUME = 'then an operator RESUME at the console (any operator; journaled with the name)';
const RESET = 'then an operator RESET (any operator; journaled), which ends the fraction (aborted)';
const HOLD = 'beam-on refused naming it; a running beam is held (HOLD_BEAM), also between segments';
const TERMINATE = 'beam-on refused; in any state from setup to the last beam the beam is terminated (TERMINATE_BEAM, repeated every 100 ms until the readback shows it off), MLC and couch stopped, the fault latched';
const FAIL_SAFE = '25 Pa. Code §228.34a(d): interlocks fail-safe, a component failure prevents operation; IEC 60601-2-1 fail-safe interlocks (clause unverified)';
const TRIPPED = '25 Pa. Code §228.34a(c): a tripped interlock resumes only after a manual reset';

export const INTERLOCKS: Readonly<Record<InterlockId, InterlockDefinition>> = Object.freeze({
  'IL-PLAN-NOT-LOADED': def('IL-PLAN-NOT-LOADED', 'permit', 'no validated plan is loaded', {
    source: 'session: a plan validated whole at LOAD_PLAN (schema, MLC model, MU limits)',
    action: 'beam-on refused (before LOAD_PLAN, BEAM_ON is journaled as an unhandled event)',
    reset: 'an operator loads a valid plan (LOAD_PLAN, journaled)',
    clause: 'IEC 60601-2-1: no irradiation until the operating conditions are selected (termination definition; clause unverified)',
  }),
  'IL-SETUP-NOT-VERIFIED': def('IL-SETUP-NOT-VERIFIED', 'permit', 'the approved couch correction has not been applied and verified in position', {
    source: 'session: a registration accepted by the pipeline (patient, plan, fraction, frame of reference), approved, the couch readback settled in tolerance for settleMs, a verification image when the protocol asks; any couch motion afterwards voids it',
    action: 'beam-on and RESUME refused; couch motion during a beam holds it through IL-COUCH-MOVING',
    reset: 'a new registration, approval and settled move; from ready or a hold the machine offers no new setup, so the operator aborts',
    clause: 'TG-142 daily: imaging positioning/repositioning ≤ 2 mm (SRS ≤ 1 mm); TG-179: couch-shift accuracy 2 mm (SRS 1 mm); an approval goes stale when the couch moves (domain reference)',
  }),
  'IL-BEAM-NOT-READY': def('IL-BEAM-NOT-READY', 'hold', 'the linac does not report the selected beam armed with MU left in the segment', {
    source: 'beam status: state, beam id, segment end MU, MU channel 1; also a linac hold the session did not command, and no BeamOn readback within 1 s of BEAM_ON',
    action: HOLD,
    reset: `the linac reports the selected beam armed for the current segment, ${RESUME}`,
    clause: 'IEC 60601-2-1 interruption (clause unverified; ed. 2 29.1.12); L&T 1993: act on the measured state, not the commanded one',
  }),
  'IL-DOOR-OPEN': def('IL-DOOR-OPEN', 'hold', 'the treatment-room door is not reported closed by fresh linac status', {
    source: 'beam status: door bit (fresh within evidenceMaxAgeMs)',
    action: HOLD,
    reset: `the door reported closed first, ${RESUME}`,
    clause: '25 Pa. Code §228.33a(7): doors closed before irradiation is initiated or continued; §228.34a(b): after a door interruption, door closed first and then a manual action at the control panel; IEC 60601-2-1 door interlock (clause unverified); TG-142 daily: door interlock',
  }),
  'IL-EMERGENCY-STOP': def('IL-EMERGENCY-STOP', 'latched', 'an emergency stop is pressed or its state is unknown', {
    clearedBy: 'condition',
    source: 'beam status: e-stop bit; latched only when fresh status shows it pressed (unknown status holds through IL-BEAM-STALE and IL-DOOR-OPEN)',
    action: TERMINATE,
    reset: `the e-stop reset at the device and reported released, the beam off, ${RESET}`,
    clause: '25 Pa. Code §228.34a(e): emergency cutoff with a manual reset, no restart from the console without it; IEC 60601-2-1: emergency stops need a manual reset (clause unverified)',
  }),
  'IL-COUCH-NOT-IN-POSITION': def('IL-COUCH-NOT-IN-POSITION', 'hold', 'the couch readback is not within tolerance of the approved target', {
    source: 'couch readback, six axes, against the approved target (tolerances.couchTranslationMm, couchRotationDeg)',
    action: HOLD,
    reset: `the readback back within tolerance, ${RESUME}`,
    clause: 'TG-142 monthly: couch position indicators 2 mm / 1° (SRS 1 mm / 0.5°, unverified); TG-179: couch-shift accuracy 2 mm (SRS 1 mm)',
  }),
  'IL-COUCH-MOVING': def('IL-COUCH-MOVING', 'hold', 'the couch reports motion', {
    source: 'couch status: moving bit',
    action: `${HOLD}; the motion also voids the setup verification (IL-SETUP-NOT-VERIFIED)`,
    reset: 'the couch still and a new verified setup, then RESUME; the machine offers no new setup from a hold, so in practice the operator aborts',
    clause: 'an approval goes stale when the couch moves: image again (domain reference); TG-142 daily: imaging positioning ≤ 2 mm (SRS ≤ 1 mm)',
  }),
  'IL-COUCH-FAULT': def('IL-COUCH-FAULT', 'latched', 'the couch reports a fault', {
    clearedBy: 'condition',
    source: 'couch status: fault bit and fault code (fresh)',
    action: TERMINATE,
    reset: `the couch reports no fault and is still, the beam off, ${RESET}`,
    clause: `${TRIPPED}; TG-142 daily: collision interlocks functional`,
  }),
  'IL-COUCH-MOTION': def('IL-COUCH-MOTION', 'latched', 'the couch left its commanded path, stalled, overshot, overran its time or moved without a command', {
    clearedBy: 'condition',
    source: 'couch motion supervisor (COUCH_MOTION_FAULT) over the couch readback',
    action: TERMINATE,
    reset: `the couch reports still, the beam off, ${RESET}`,
    clause: 'IEC 60601-2-1 termination: irradiation and movements stop (definition; clause unverified, ed. 2 29.1.13); L&T 1993: act on the measured state',
  }),
  'IL-MLC-NOT-IN-POSITION': def('IL-MLC-NOT-IN-POSITION', 'hold', 'a leaf readback is outside tolerance of the control point, or the MLC is moving; in a dynamic beam, a leaf is off its trajectory at the measured MU', {
    source: 'MLC readback: every leaf within tolerances.mlcPositionMm of the segment, MLC not moving; dynamic beam: every leaf within tolerances.dynamicLeafToleranceMm of its trajectory at the MU the linac reported, skew-compensated (docs/dynamic-delivery.md), and within mlcPositionMm with the controller following to start or resume',
    action: HOLD,
    reset: `every leaf back within tolerance and still, ${RESUME}. A controller that lost its leaves in a hold (restarted) gets them again only from a therapist's REPOSITION_MLC (the segment's leaves re-sent; the beam stays held)`,
    clause: 'TG-142 monthly: MLC leaf position accuracy 1 mm; TG-100: "MLC leaf motions inaccurate" RPN 354, third of all IMRT failure modes; MLC controllers hold the beam on a leaf error (domain reference)',
  }),
  'IL-MLC-FAULT': def('IL-MLC-FAULT', 'latched', 'the MLC controller reports a fault', {
    clearedBy: 'condition',
    source: 'MLC status: fault bit and fault code (fresh)',
    action: TERMINATE,
    reset: `the MLC reports no fault, the beam off, ${RESET}`,
    clause: `${TRIPPED}; TG-100: MLC and linac hardware failures rank high (RPN 354)`,
  }),
  'IL-MLC-STALE': def('IL-MLC-STALE', 'hold', 'the MLC link has not reported within its heartbeat', {
    source: 'MLC link health: last valid reply older than staleAfterMs (judged on EVIDENCE and on TICK)',
    action: HOLD,
    reset: `valid replies again, ${RESUME}`,
    clause: FAIL_SAFE,
  }),
  'IL-COUCH-STALE': def('IL-COUCH-STALE', 'hold', 'the couch link has not reported within its heartbeat', {
    source: 'couch link health: last valid reply older than staleAfterMs (judged on EVIDENCE and on TICK)',
    action: HOLD,
    reset: `valid replies again, ${RESUME}`,
    clause: FAIL_SAFE,
  }),
  'IL-BEAM-STALE': def('IL-BEAM-STALE', 'hold', 'the linac beam link has not reported within its heartbeat', {
    source: 'beam link health: last valid reply older than staleAfterMs (judged on EVIDENCE and on TICK); the linac holds by itself when the bridge heartbeat stops',
    action: HOLD,
    reset: `valid replies again, ${RESUME}`,
    clause: FAIL_SAFE,
  }),
  'IL-DOSE-CHANNELS-DISAGREE': def('IL-DOSE-CHANNELS-DISAGREE', 'latched', 'the two monitor-unit channels disagree beyond tolerance', {
    clearedBy: 'condition',
    source: 'beam status: MU channels 1 and 2; |mu1 − mu2| ≤ max(floorMu, fraction × max) (dose-channels.ts); a non-finite reading disagrees',
    action: TERMINATE,
    reset: `the channels agree again (the linac's counters reset), the beam off, ${RESET}`,
    clause: '25 Pa. Code §228.66(b), (e): two separate dose monitoring systems; a failure of an element common to both terminates; IEC 60601-2-1 dose monitoring systems (clause unverified)',
  }),
  'IL-MOTION-OUT-OF-WINDOW': def('IL-MOTION-OUT-OF-WINDOW', 'hold', 'the monitored target is outside its window beyond the debounce time, or not yet back inside for the dwell time', {
    source: 'intrafraction monitoring stream: in-window flag and since when (motion.debounceMs, dwellMs); only when the protocol requires monitoring',
    action: HOLD,
    reset: `the target inside for the dwell time, ${RESUME}`,
    clause: 'TG-142 annual: gating temporal accuracy 100 ms; surface guidance → linac 131 ms (Naylor 2025); position error ≈ target speed × latency (domain reference)',
  }),
  'IL-MOTION-STALE': def('IL-MOTION-STALE', 'hold', 'the intrafraction monitoring stream has not delivered a sample within its expected period', {
    source: 'intrafraction monitoring stream: last sample older than motion.staleAfterMs; only when the protocol requires monitoring',
    action: HOLD,
    reset: `samples again (and the target inside for the dwell time), ${RESUME}`,
    clause: 'a stale monitoring stream must hold the beam (domain reference); by analogy 25 Pa. Code §228.33a(5): irradiation ceases when the only (electronic) patient observation fails',
  }),
  'IL-LATCHED-FAULT': def('IL-LATCHED-FAULT', 'permit', 'a latched fault has not been reset by the operator', {
    source: 'session: the latched-fault list',
    action: 'beam-on and RESUME refused (a latch also leaves every state for fault)',
    reset: 'RESET from fault once every latch is cleared; the fraction then ends (aborted)',
    clause: `${TRIPPED}; L&T 1993: safety interlocks are not overridable`,
  }),
  'IL-JOURNAL-UNAVAILABLE': def('IL-JOURNAL-UNAVAILABLE', 'hold', 'the journal cannot write its records to stable storage (they wait in memory)', {
    source: 'journal write and fsync results (Journal.status)',
    action: 'hold; safety commands still go out first, the records are written once the disk takes writes',
    reset: `the journal writable again (every pending record written), ${RESUME}`,
    clause: 'L&T 1993: keep incident logs; the bridge acts only on what it can record',
  }),
  'IL-UNEXPECTED-BEAM': def('IL-UNEXPECTED-BEAM', 'latched', 'the linac reports the beam on while the session has not asked for it (outside beamOn, or still on a second after a hold)', {
    clearedBy: 'beam-off',
    source: 'beam status: state',
    action: 'terminate, repeated until the readback shows the beam off; MLC and couch stopped',
    reset: `the readback shows the beam off, ${RESET}`,
    clause: 'IEC 60601-2-1 termination and unplanned termination (clause unverified; ed. 2 29.1.13, 29.1.14); L&T 1993: act on the measured state, not the commanded one',
  }),
  'IL-MU-OVERRUN': def('IL-MU-OVERRUN', 'latched', 'a monitor-unit channel reports more than the segment end plus tolerance for the selected beam', {
    clearedBy: 'beam-off',
    source: 'beam status: beam id, MU channels 1 and 2',
    action: 'terminate; MLC and couch stopped',
    reset: `the readback shows the beam off, ${RESET}`,
    clause: 'IEC 60601-2-1: two dose-monitoring channels, termination when a preset is exceeded (clause unverified); 25 Pa. Code §228.66; `tolerances.muOverrunMu` sits above the ≈ 0.6 MU end-of-segment overshoot of older controllers',
  }),
  'IL-BACKUP-TIMER': def('IL-BACKUP-TIMER', 'latched', 'the beam has been on longer than its planned time (preset MU / dose rate) × factor + margin, cumulative across interruptions', {
    clearedBy: 'beam-off',
    source: 'the bridge clock while the linac reports the beam on',
    action: 'terminate; MLC and couch stopped',
    reset: `the readback shows the beam off, ${RESET}`,
    clause: 'IEC 60601-2-1: a backup timer terminates at the preset time, cumulative across interruptions (clause unverified)',
  }),
  'IL-PRESET-MISMATCH': def('IL-PRESET-MISMATCH', 'latched', 'the linac reports the selected beam armed with a preset MU or dose rate other than the plan', {
    clearedBy: 'beam-off',
    source: 'beam status: beam id, preset MU, dose rate (checked on the ARM reply and before every BEAM_ON)',
    action: 'beam-on refused; a running beam is terminated',
    reset: `the readback shows the beam off, ${RESET}`,
    clause: '25 Pa. Code §228.72(3): irradiation prevented when the selections in the room disagree with those at the control panel; L&T 1993: re-check the full parameter set at beam-on, never from cached state',
  }),
});

/** Latched faults that are events: RESET needs only the beam off (and the couch still). */
export const EVENT_LATCHES: readonly InterlockId[] = INTERLOCK_IDS.filter((id) => INTERLOCKS[id].clearedBy === 'beam-off');

export const latchPolicy = (id: InterlockId): LatchPolicy => INTERLOCKS[id].latch;
