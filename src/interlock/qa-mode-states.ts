/**
 * QA mode of the session statechart (docs/qa.md): a physicist's machine QA with no plan.
 *
 *  idle ─ENTER_QA[physicist, no plan, no latch]─▶ qa.idle ─QA_SELECT_BEAM─▶ qa.ready ─BEAM_ON[QA permit]─▶ qa.beamOn
 *    qa.beamOn ─hold interlock / linac hold / OPERATOR_HOLD─▶ qa.beamHold ─RESUME[QA permit]─▶ qa.beamOn
 *    qa.beamOn ─preset delivered─▶ qa.idle (select again for another beam)
 *    any ─latched fault─▶ fault (as for a patient beam)      qa.idle | qa.ready ─EXIT_QA─▶ idle (no plan, nothing verified)
 *
 * Guards and actions named here are defined in session-machine.ts (setup()); the QA permit is
 * in qa-permit.ts: every safety interlock applies, only the patient-setup ones do not.
 */

const UNEXPECTED_BEAM = { guard: 'linacBeamOn', target: '#session.fault', actions: ['storeEvidence', 'latchUnexpectedBeam'] } as const;
const QA_LATCH = { guard: 'qaLatchedFault', target: '#session.fault', actions: ['storeEvidence', 'qaLatch'] } as const;
const EXIT = { target: '#session.idle', actions: 'leaveQa' } as const;

export const qaModeStates = {
  initial: 'idle',
  on: {
    EVIDENCE: [UNEXPECTED_BEAM, QA_LATCH, { actions: 'storeEvidence' }],
    TICK: { guard: 'qaLatchedFault', target: '#session.fault', actions: 'qaLatch' },
  },
  states: {
    idle: {
      on: { QA_SELECT_BEAM: { target: 'ready', actions: ['qaAssignBeam', 'qaArm', 'qaSetEnd'] }, EXIT_QA: EXIT },
    },
    ready: {
      on: {
        QA_SELECT_BEAM: { target: 'ready', reenter: true, actions: ['qaAssignBeam', 'qaArm', 'qaSetEnd'] },
        BEAM_ON: [{ guard: 'qaPermitted', target: 'beamOn' }, { actions: ['qaRecordDenial', 'qaNoticeDenied'] }],
        EXIT_QA: EXIT,
      },
    },
    beamOn: {
      entry: ['qaEnterBeamOn', 'qaCommandBeamOn'],
      exit: 'qaExitBeamOn',
      on: {
        EVIDENCE: [
          QA_LATCH,
          { guard: 'linacTerminated', target: '#session.fault', actions: ['storeEvidence', 'qaLatch'] },
          { guard: 'qaBeamDelivered', target: 'idle', actions: ['storeEvidence', 'qaNoticeDelivered', 'qaClearBeam'] },
          { guard: 'qaHoldNeeded', target: 'beamHold', actions: ['qaRecordHoldCauses', 'storeEvidence'] },
          { guard: 'linacHeld', target: 'beamHold', actions: ['qaRecordHoldCauses', 'storeEvidence'] },
          { guard: 'beamOnUnconfirmed', target: 'beamHold', actions: ['qaRecordHoldCauses', 'storeEvidence'] },
          { actions: ['storeEvidence', 'qaConfirmBeamOn'] },
        ],
        TICK: [
          { guard: 'qaLatchedFault', target: '#session.fault', actions: 'qaLatch' },
          { guard: 'qaHoldNeeded', target: 'beamHold', actions: 'qaRecordHoldCauses' },
          { guard: 'beamOnUnconfirmed', target: 'beamHold', actions: 'qaRecordHoldCauses' },
        ],
        OPERATOR_HOLD: { target: 'beamHold', actions: 'qaRecordHoldCauses' },
        COMMAND_FAILED: { target: 'beamHold', actions: 'qaRecordHoldCauses' },
      },
    },
    beamHold: {
      entry: ['qaEnterHold', 'commandHold'],
      on: {
        EVIDENCE: [
          QA_LATCH,
          { guard: 'linacTerminated', target: '#session.fault', actions: ['storeEvidence', 'qaLatch'] },
          { guard: 'holdNotObeyed', target: '#session.fault', actions: ['storeEvidence', 'latchUnexpectedBeam'] },
          { guard: 'linacBeamOn', actions: ['storeEvidence', 'commandHold'] },
          { actions: 'storeEvidence' },
        ],
        COMMAND_FAILED: { guard: 'holdCommandFailed', target: '#session.fault', actions: 'qaLatch' },
        RESUME: [{ guard: 'qaPermitted', target: 'beamOn' }, { actions: ['qaRecordDenial', 'qaNoticeDenied'] }],
      },
    },
  },
} as const;
