/**
 * The treatment-session statechart (XState v5). Pure: it decides, and emits
 * commands ({ type: 'command' }) that the session runner sends to devices.
 * Beam-on is reachable only through guards that call evaluatePermit; hold and
 * fault leave only on operator events (RESUME, RESET).
 *
 *  idle ─LOAD_PLAN─▶ setup[awaitingRegistration ─REGISTRATION─▶ awaitingApproval ─APPROVE─▶ couchMoving]
 *    ─settled─▶ beamSelected ─▶ mlcPositioning ─in position─▶ ready ─BEAM_ON[permit]─▶ beamOn
 *    beamOn ─segment done─▶ mlcPositioning (beam off, next segment) … ─last─▶ beamComplete ─▶ next beam | fractionComplete
 *    mlcPositioning (between segments) ─positioning timeout / OPERATOR_HOLD─▶ beamHold
 *    beamOn ─hold interlock / OPERATOR_HOLD─▶ beamHold ─RESUME[start permit]─▶ beamOn (or mlcPositioning at a segment boundary)
 *    beamHold ─REPOSITION_MLC[therapist, MLC link fresh, a current segment]─▶ beamHold (MOVE_MLC of the segment's leaves; still held)
 *    any ─latched fault, or the linac beam-on outside beamOn─▶ fault ─RESET[clear]─▶ aborted
 *    fault, aborted: TERMINATE_BEAM repeated until the readback shows the beam off
 *    idle ─latches carried from an earlier journal (restart)─▶ fault ─RESET[clear, only those latches, no plan]─▶ idle
 *    idle ─ENTER_QA[physicist]─▶ qa (QA mode, no plan: qa-mode-states.ts) ─EXIT_QA─▶ idle
 *    awaitingApproval ─REJECT_REGISTRATION─▶ awaitingRegistration; ready ─SELECT_BEAM[the current beam, nothing delivered]─▶ beamSelected (re-arm)
 *    tags (idle, setup, awaiting-approval, couch-moving, positioning, ready, beam-on, hold, complete, fault, aborted) name what callers act on
 */
import { assign, emit, setup } from 'xstate';
import { approvalRefusal } from './approval.js';
import { flatState, repositionedNotice, repositionLeaves, repositionRefusal, repositionRefusedNotice, REPOSITION_STATE } from './mlc-reposition.js';
import { noLinks } from './evidence.js';
import {
  beamOnUnconfirmed, irradiationMs, couchMovingNow, couchSettled, currentBeam, needsVerification, verificationPassed, holdCauses, reportedHoldCauses, isLastBeam, isLastSegment, latchedNow, leavesFor, linacBeamOn, linacHeld, linacTerminated,
  evidenceOf, MLC_POSITIONING_TIMEOUT_MS, mlcPositioningOverdue, nextInPositionSince, permitFor, presetMu, segmentDelivered, segmentEndMu, resetAllowed, terminateDue, holdNotObeyed,
} from './session-guards.js';
import type { PermitMode } from './evaluate-permit.js';
import { qaBeamCommand, qaBeamDelivered, qaEntryAllowed, qaFaultReason, qaHoldCauses, qaLatchedNow, qaModeStates, qaPermitFor, qaRecordedHoldCauses, qaRefusal } from './qa-guards.js';
import type { SessionContext as Ctx } from './session-types.js';
import type { SessionContext, SessionEmitted, SessionEvent, SessionInput } from './session-types.js';

/** Radiation the session did not ask for: terminate and latch, from any state but beamOn and beamHold. */
const UNEXPECTED_BEAM = { guard: 'linacBeamOn', target: '#session.fault', actions: ['storeEvidence', 'latchUnexpectedBeam'] } as const;

/**
 * An event beamOn does not handle still judges the stored evidence at its time
 * (a link may have gone stale since the last report): the hold is not left to the next TICK.
 * `notice` says why the event itself was not taken.
 */
const refusedInBeamOn = <N extends 'noticeUnhandled' | 'noticeRepositionRefused'>(notice: N) =>
  [
    { guard: 'latchedFault', target: 'fault', actions: [notice, 'latch'] },
    { guard: 'holdNeeded', target: 'beamHold', actions: [notice, 'recordHoldCauses'] },
    { guard: 'beamOnUnconfirmed', target: 'beamHold', actions: [notice, 'recordHoldCauses'] },
    { actions: notice },
  ] as const;
const UNHANDLED_IN_BEAM_ON = refusedInBeamOn('noticeUnhandled');
/** REPOSITION_MLC in beamOn: refused (the beam is not held), the evidence judged at its time as above. */
const REPOSITION_IN_BEAM_ON = refusedInBeamOn('noticeRepositionRefused');

export const sessionMachine = setup({
  types: { context: {} as SessionContext, events: {} as SessionEvent, input: {} as SessionInput, emitted: {} as SessionEmitted },
  guards: {
    latchedFault: ({ context, event }) => latchedNow(context, event).length > 0,
    linacTerminated: ({ context, event }) => linacTerminated(context, event),
    linacHeld: ({ context, event }) => linacHeld(context, event),
    approvalValid: ({ context, event }) => approvalRefusal(context, event) === undefined,
    repositionAllowed: ({ context, event }) => repositionRefusal(context, event, REPOSITION_STATE) === undefined,
    couchSettled: ({ context, event }) => couchSettled(context, event),
    permitted: ({ context, event }) => permitFor(context, event).permitted,
    holdNeeded: ({ context, event }) => holdCauses(context, event).length > 0,
    segmentDelivered: ({ context, event }) => segmentDelivered(context, event),
    moreSegments: ({ context, event }) => segmentDelivered(context, event) && !isLastSegment(context),
    lastSegmentDelivered: ({ context, event }) => segmentDelivered(context, event) && isLastSegment(context),
    isLastBeam: ({ context }) => isLastBeam(context),
    verificationRequired: ({ context }) => context.verificationRequired,
    verificationPassed: ({ context, event }) => verificationPassed(context, event),
    couchMovingNow: ({ context, event }) => couchMovingNow(context, event),
    firstSegmentInPosition: ({ context, event }) => context.segmentIndex === 0 && !permitFor(context, event).unmet.includes('IL-MLC-NOT-IN-POSITION'),
    // between segments of a running beam the target need not dwell again: judged as running
    // after a RESUME at a boundary the next segment needs the start permit (dwell included)
    continuationPermitted: ({ context, event }) => context.segmentIndex > 0 && permitFor(context, event, continuationMode(context)).permitted,
    continuationBlocked: ({ context, event }) =>
      context.segmentIndex > 0 && permitFor(context, event, continuationMode(context)).unmet.some((id) => id !== 'IL-MLC-NOT-IN-POSITION' && id !== 'IL-BEAM-NOT-READY'),
    // a RESUME at a segment boundary: the start permit, except for the next segment's MLC and MU, which come next
    boundaryResumePermitted: ({ context, event }) =>
      segmentDelivered(context, event) && !isLastSegment(context) && permitFor(context, event, 'start').unmet.every((id) => id === 'IL-MLC-NOT-IN-POSITION' || id === 'IL-BEAM-NOT-READY'),
    terminateDue: ({ context, event }) => terminateDue(context, event),
    mlcPositioningOverdue: ({ context, event }) => mlcPositioningOverdue(context, event),
    betweenSegments: ({ context }) => context.segmentIndex > 0,
    holdNotObeyed: ({ context, event }) => holdNotObeyed(context, event),
    linacBeamOn: ({ context, event }) => linacBeamOn(context, event),
    beamOnUnconfirmed: ({ context, event }) => beamOnUnconfirmed(context, event),
    holdCommandFailed: ({ event }) => event.type === 'COMMAND_FAILED' && (event.command === 'HOLD_BEAM' || event.command === 'TERMINATE_BEAM'),
    latchClear: ({ context, event }) => resetAllowed(context, event),
    carriedLatch: ({ context }) => context.carriedFrom !== undefined,
    // the operator acknowledges latches carried over a restart: only those, before any plan
    qaEntryAllowed: ({ context, event }) => qaEntryAllowed(context, event),
    qaPermitted: ({ context, event }) => context.qa?.beam !== undefined && qaPermitFor(context, event).permitted,
    qaLatchedFault: ({ context, event }) => qaLatchedNow(context, event).length > 0,
    qaHoldNeeded: ({ context, event }) => qaHoldCauses(context, event).length > 0,
    qaBeamDelivered: ({ context, event }) => qaBeamDelivered(context, event),
    carriedLatchClear: ({ context, event }) =>
      context.carriedFrom !== undefined && context.plan === undefined && context.latchedFaults.every((id) => context.carriedLatches.includes(id)) && resetAllowed(context, event),
  },
  actions: {
    storeEvidence: assign({ evidence: ({ context, event }) => (event.type === 'EVIDENCE' ? event.evidence : context.evidence) }),
    trackCouch: assign({ couchInPositionSinceMs: ({ context, event }) => nextInPositionSince(context, event) }),
    latch: assign({
      latchedFaults: ({ context, event }) => [...new Set([...context.latchedFaults, ...latchedNow(context, event)])],
      faultReason: ({ context, event }) => {
        const ids = latchedNow(context, event);
        if (ids.length) return `latched: ${ids.join(', ')}`;
        if (event.type === 'COMMAND_FAILED') return `${event.command} failed: ${event.error}`;
        return linacTerminated(context, event) ? 'the linac terminated the beam' : (context.faultReason ?? 'fault');
      },
    }),
    latchUnexpectedBeam: assign({
      latchedFaults: ({ context }) => [...new Set([...context.latchedFaults, 'IL-UNEXPECTED-BEAM' as const])],
      faultReason: () => 'the linac reported the beam on while the session had not asked for it',
    }),
    /** Terminate, and note when: it is repeated until the readback shows the beam off. */
    markTerminateSent: assign({ terminateSentAtMs: ({ event }) => event.atMs }),
    commandTerminate: emit({ type: 'command', command: 'TERMINATE_BEAM' }),
    latchCouchMotion: assign({
      latchedFaults: ({ context }) => [...new Set([...context.latchedFaults, 'IL-COUCH-MOTION' as const])],
      faultReason: ({ event }) => (event.type === 'COUCH_MOTION_FAULT' ? `couch motion: ${event.reason}` : 'couch motion'),
    }),
    /** Once setup is verified, any couch motion voids it: beam-on and resume then need a new setup. */
    invalidateSetupOnCouchMotion: assign({
      setupVerified: ({ context, event }) => context.setupVerified && !evidenceOf(context, event).couch?.status.moving,
    }),
    recordHoldCauses: assign({
      holdCauses: ({ context, event }) => {
        if (holdCauses(context, event).length) return reportedHoldCauses(context, event);
        return event.type === 'OPERATOR_HOLD' ? [] : ['IL-BEAM-NOT-READY'];
      },
    }),
    recordPositioningTimeout: assign({ holdCauses: () => ['IL-MLC-NOT-IN-POSITION' as const] }),
    noticePositioningTimeout: emit(({ context }) => ({ type: 'notice' as const, kind: 'mlc-positioning-timeout' as const, segment: context.segmentIndex, timeoutMs: context.tolerances.mlcPositioningTimeoutMs ?? MLC_POSITIONING_TIMEOUT_MS })),
    recordDenial: assign({ lastPermit: ({ context, event }) => permitFor(context, event), holdCauses: ({ context, event }) => permitFor(context, event).causes }),
    noticeDenied: emit(({ context, event }) => ({ type: 'notice' as const, kind: 'permit-denied' as const, unmet: permitFor(context, event).causes, event: event.type })),
    commandHold: emit({ type: 'command', command: 'HOLD_BEAM' }),
    // REPOSITION_MLC (mlc-reposition.ts): the leaves become the expected ones and go to the MLC; the beam stays held
    repositionMlc: assign({ expectedLeaves: ({ context, event }) => repositionLeaves(context, event) ?? context.expectedLeaves }),
    commandRepositionMlc: emit(({ context }) => ({ type: 'command' as const, command: 'MOVE_MLC' as const, leaves: context.expectedLeaves!, beamId: currentBeam(context)!.id, segment: context.segmentIndex, reposition: true as const })),
    noticeRepositioned: emit(({ context, event }) => repositionedNotice(context, event)),
    noticeRepositionRefused: emit(({ context, event, self }) => repositionRefusedNotice(context, event, flatState(self.getSnapshot().value))),
    noticeUnhandled: emit(({ event, self }) => ({ type: 'notice' as const, kind: 'unhandled-event' as const, event: event.type, state: JSON.stringify(self.getSnapshot().value) })),
    enterQa: assign({ qa: ({ event }) => ({ operator: event.type === 'ENTER_QA' ? event.operator : '' }) }),
    noticeQaRefused: emit(({ context, event }) => ({ type: 'notice' as const, kind: 'qa-refused' as const, operator: event.type === 'ENTER_QA' ? event.operator : '', reason: qaRefusal(context, event) })),
    leaveQa: /* no plan, no couch target, nothing verified, no QA beam: a patient beam needs a fresh LOAD_PLAN and setup */ assign({ qa: undefined, plan: undefined, setupVerified: false, approvedCouchTarget: undefined, pending: undefined, expectedLeaves: undefined, beamIndex: 0, segmentIndex: 0, irradiationMs: 0, holdCauses: [] }),
    qaAssignBeam: assign({ qa: ({ context, event }) => ({ operator: context.qa?.operator ?? '', beam: event.type === 'QA_SELECT_BEAM' ? event.beam : undefined }), irradiationMs: 0, holdCauses: [] }),
    qaArm: emit(({ context }) => qaBeamCommand(context, 'ARM_BEAM')),
    qaSetEnd: emit(({ context }) => ({ type: 'command' as const, command: 'SET_SEGMENT_END' as const, endMu: context.qa?.beam?.presetMu ?? 0 })),
    qaClearBeam: assign({ qa: ({ context }) => ({ operator: context.qa?.operator ?? '' }) }),
    qaEnterBeamOn: assign({ holdCauses: [], beamOnSinceMs: ({ event }) => event.atMs, beamOnConfirmed: false, beamOnConfirmedAtMs: undefined }),
    qaExitBeamOn: assign({ irradiationMs: ({ context, event }) => irradiationMs(context, event), beamOnConfirmedAtMs: undefined }),
    qaConfirmBeamOn: assign({ beamOnConfirmed: ({ context, event }) => context.beamOnConfirmed || linacBeamOn(context, event), beamOnConfirmedAtMs: ({ context, event }) => context.beamOnConfirmedAtMs ?? (linacBeamOn(context, event) ? event.atMs : undefined) }),
    qaEnterHold: assign({ holdSinceMs: ({ event }) => event.atMs }),
    qaCommandBeamOn: emit(({ context }) => qaBeamCommand(context, 'BEAM_ON')),
    qaLatch: assign({ latchedFaults: ({ context, event }) => [...new Set([...context.latchedFaults, ...qaLatchedNow(context, event)])], faultReason: ({ context, event }) => qaFaultReason(context, event) }),
    qaRecordHoldCauses: assign({ holdCauses: ({ context, event }) => qaRecordedHoldCauses(context, event) }),
    qaRecordDenial: assign({ lastPermit: ({ context, event }) => qaPermitFor(context, event), holdCauses: ({ context, event }) => qaPermitFor(context, event).causes }),
    qaNoticeDenied: emit(({ context, event }) => ({ type: 'notice' as const, kind: 'permit-denied' as const, unmet: qaPermitFor(context, event).causes, event: event.type })),
    qaNoticeDelivered: emit(({ context }) => ({ type: 'notice' as const, kind: 'beam-delivered' as const, beamId: context.qa?.beam?.beamId ?? 0, irradiationMs: context.irradiationMs })),
    commandBeamOn: emit(({ context }) => {
      const beam = currentBeam(context)!;
      return { type: 'command' as const, command: 'BEAM_ON' as const, beamId: beam.id, presetMu: presetMu(beam), doseRateMuPerMin: beam.doseRateMuPerMin };
    }),
  },
}).createMachine({
  id: 'session',
  initial: 'idle',
  context: ({ input }) => ({
    mlcModel: input.mlcModel, actionLevels: input.actionLevels, motionSettings: input.motionSettings, verificationRequired: false, tolerances: input.tolerances, settleMs: input.settleMs, approvalTtlMs: input.approvalTtlMs,
    evidence: input.evidence ?? { links: noLinks(150) }, appliedCorrectionIds: [], setupVerified: false, beamIndex: 0, segmentIndex: 0,
    latchedFaults: [...(input.carriedLatches?.ids ?? [])], holdCauses: [], beamOnConfirmed: false, irradiationMs: 0, startPermitRequired: false,
    carriedLatches: [...(input.carriedLatches?.ids ?? [])], carriedFrom: input.carriedLatches?.journal,
    faultReason: input.carriedLatches && `latched in ${input.carriedLatches.journal}: ${input.carriedLatches.ids.join(', ') || 'fault'} (not cleared by a RESET)`,
  }),
  on: {
    EVIDENCE: [UNEXPECTED_BEAM, { actions: 'storeEvidence' }],
    TICK: {},
    COUCH_MOTION_FAULT: { target: '.fault', actions: 'latchCouchMotion' },
    // a device that refused or did not answer a command: stop and let the operator decide
    COMMAND_FAILED: { target: '.fault', actions: 'latch' },
    ABORT: { target: '.aborted' },
    REPOSITION_MLC: { actions: 'noticeRepositionRefused' },
    '*': { actions: 'noticeUnhandled' },
  },
  states: {
    idle: {
      tags: ['idle'],
      // a restart does not clear latches: the session starts in fault until an operator RESET
      always: { guard: 'carriedLatch', target: 'fault' },
      on: {
        ENTER_QA: [{ guard: 'qaEntryAllowed', target: 'qa', actions: 'enterQa' }, { actions: 'noticeQaRefused' }],
        LOAD_PLAN: {
          target: 'setup',
          actions: assign({
            plan: ({ event }) => event.plan,
            // the protocol decides whether intrafraction monitoring gates the beam
            tolerances: ({ context, event }) => ({ ...context.tolerances, motion: { ...context.motionSettings, required: context.actionLevels[event.plan.protocol]?.intrafractionMonitoring ?? true } }),
          }),
        },
      },
    },
    setup: {
      tags: ['setup'],
      initial: 'awaitingRegistration',
      on: { EVIDENCE: [UNEXPECTED_BEAM, { guard: 'latchedFault', target: 'fault', actions: ['storeEvidence', 'latch'] }, { actions: 'storeEvidence' }] },
      states: {
        awaitingRegistration: {
          on: { REGISTRATION: { target: 'awaitingApproval', actions: assign({ pending: ({ event }) => event.pending }) } },
        },
        awaitingApproval: {
          tags: ['awaiting-approval'],
          on: {
            // the operator declines the correction: image again
            REJECT_REGISTRATION: [
              {
                guard: ({ context, event }) => context.pending?.registration.id === event.registrationId,
                target: 'awaitingRegistration',
                actions: [emit(({ event }) => ({ type: 'notice' as const, kind: 'registration-rejected' as const, reason: event.reason, registrationId: event.registrationId })), assign({ pending: () => undefined })],
              },
              { actions: 'noticeUnhandled' },
            ],
            // a couch that moves while a correction awaits approval makes the image stale: image again
            EVIDENCE: [
              UNEXPECTED_BEAM,
              { guard: 'latchedFault', target: '#session.fault', actions: ['storeEvidence', 'latch'] },
              {
                guard: 'couchMovingNow',
                target: 'awaitingRegistration',
                actions: [
                  'storeEvidence',
                  emit(({ context }) => ({ type: 'notice' as const, kind: 'approval-voided' as const, reason: 'the couch moved while the correction awaited approval', registrationId: context.pending?.registration.id ?? '' })),
                  assign({ pending: () => undefined }),
                ],
              },
              { actions: 'storeEvidence' },
            ],
            REGISTRATION: { target: 'awaitingApproval', reenter: true, actions: assign({ pending: ({ event }) => event.pending }) },
            APPROVE: [
              {
                guard: 'approvalValid',
                target: 'couchMoving',
                actions: [
                  assign({
                    verificationRequired: ({ context }) => needsVerification(context),
                    approvedCouchTarget: ({ context }) => context.pending!.target,
                    appliedCorrectionIds: ({ context }) => [...context.appliedCorrectionIds, context.pending!.registration.id],
                    couchInPositionSinceMs: () => undefined,
                  }),
                  emit(({ context }) => ({ type: 'command' as const, command: 'MOVE_COUCH' as const, target: context.approvedCouchTarget!, moveId: context.appliedCorrectionIds.length, registrationId: context.pending!.registration.id })),
                ],
              },
              { actions: emit(({ context, event }) => ({ type: 'notice' as const, kind: 'approval-refused' as const, reason: approvalRefusal(context, event) ?? '', registrationId: event.registrationId })) },
            ],
          },
        },
        couchMoving: {
          tags: ['couch-moving'],
          on: {
            EVIDENCE: [
              UNEXPECTED_BEAM,
              { guard: 'latchedFault', target: '#session.fault', actions: ['storeEvidence', 'latch'] },
              { guard: 'couchSettled', target: 'settled', actions: 'storeEvidence' },
              { actions: ['trackCouch', 'storeEvidence'] },
            ],
            TICK: { guard: 'couchSettled', target: 'settled' },
          },
        },
        settled: {
          always: [{ guard: 'verificationRequired', target: 'awaitingVerification' }, { target: '#session.beamSelected', actions: assign({ setupVerified: true }) }],
        },
        awaitingVerification: {
          on: {
            REGISTRATION: [
              {
                guard: 'verificationPassed',
                target: '#session.beamSelected',
                actions: [
                  assign({ setupVerified: true, verificationRequired: false }),
                  emit(({ event }) => ({ type: 'notice' as const, kind: 'verification' as const, passed: true, registrationId: event.type === 'REGISTRATION' ? event.pending.registration.id : '', residualMm: event.type === 'REGISTRATION' ? event.pending.classification.maxTranslationMm : 0, residualDeg: event.type === 'REGISTRATION' ? event.pending.classification.maxRotationDeg : 0 })),
                ],
              },
              {
                // residual outside tolerance: it becomes the next correction, approved like the first
                target: 'awaitingApproval',
                actions: [
                  assign({ pending: ({ event }) => (event.type === 'REGISTRATION' ? event.pending : undefined) }),
                  emit(({ event }) => ({ type: 'notice' as const, kind: 'verification' as const, passed: false, registrationId: event.type === 'REGISTRATION' ? event.pending.registration.id : '', residualMm: event.type === 'REGISTRATION' ? event.pending.classification.maxTranslationMm : 0, residualDeg: event.type === 'REGISTRATION' ? event.pending.classification.maxRotationDeg : 0 })),
                ],
              },
            ],
          },
        },
      },
    },
    beamSelected: {
      entry: [
        assign({ segmentIndex: 0, expectedLeaves: undefined, irradiationMs: 0, startPermitRequired: false }),
        emit(({ context }) => {
          const beam = currentBeam(context)!;
          return { type: 'command' as const, command: 'ARM_BEAM' as const, beamId: beam.id, presetMu: presetMu(beam), doseRateMuPerMin: beam.doseRateMuPerMin };
        }),
      ],
      always: 'mlcPositioning',
    },
    mlcPositioning: {
      tags: ['positioning'],
      entry: [
        assign({ expectedLeaves: ({ context }) => leavesFor(context, context.segmentIndex), mlcPositioningSinceMs: ({ event }) => event.atMs }),
        emit(({ context }) => ({ type: 'command' as const, command: 'MOVE_MLC' as const, leaves: context.expectedLeaves!, beamId: currentBeam(context)!.id, segment: context.segmentIndex })),
        emit(({ context }) => ({ type: 'command' as const, command: 'SET_SEGMENT_END' as const, endMu: segmentEndMu(context)! })),
      ],
      on: {
        EVIDENCE: [
          UNEXPECTED_BEAM,
          { guard: 'latchedFault', target: 'fault', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion', 'latch'] },
          { guard: 'firstSegmentInPosition', target: 'ready', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion'] },
          { guard: 'continuationPermitted', target: 'beamOn', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion'] },
          { guard: 'continuationBlocked', target: 'beamHold', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion', 'recordHoldCauses'] },
          // the MLC has not reached the next segment in time: hold, so the operator sees it and decides
          { guard: 'mlcPositioningOverdue', target: 'beamHold', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion', 'recordPositioningTimeout', 'noticePositioningTimeout'] },
          { actions: ['storeEvidence', 'invalidateSetupOnCouchMotion'] },
        ],
        TICK: { guard: 'mlcPositioningOverdue', target: 'beamHold', actions: ['recordPositioningTimeout', 'noticePositioningTimeout'] },
        // between segments the fraction is running: the operator may hold it there too
        OPERATOR_HOLD: { guard: 'betweenSegments', target: 'beamHold', actions: 'recordHoldCauses' },
      },
    },
    ready: {
      tags: ['ready'],
      on: {
        // re-select (re-arm) the current beam before any of it is delivered; beams go in plan order
        SELECT_BEAM: [{ guard: ({ context, event }) => event.beamIndex === context.beamIndex && context.segmentIndex === 0 && context.irradiationMs === 0, target: 'beamSelected' }, { actions: 'noticeUnhandled' }],
        EVIDENCE: [UNEXPECTED_BEAM, { guard: 'latchedFault', target: 'fault', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion', 'latch'] }, { actions: ['storeEvidence', 'invalidateSetupOnCouchMotion'] }],
        BEAM_ON: [{ guard: 'permitted', target: 'beamOn' }, { actions: ['recordDenial', 'noticeDenied'] }],
      },
    },
    beamOn: {
      tags: ['beam-on'],
      entry: [assign({ holdCauses: [], beamOnSinceMs: ({ event }) => event.atMs, beamOnConfirmed: false, beamOnConfirmedAtMs: undefined, startPermitRequired: false }), 'commandBeamOn'],
      // the backup timer counts beam-on time from the linac's confirmation, cumulative over visits
      exit: assign({ irradiationMs: ({ context, event }) => irradiationMs(context, event), beamOnConfirmedAtMs: undefined }),
      on: {
        EVIDENCE: [
          { guard: 'latchedFault', target: 'fault', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion', 'latch'] },
          { guard: 'linacTerminated', target: 'fault', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion', 'latch'] },
          { guard: 'lastSegmentDelivered', target: 'beamComplete', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion'] },
          { guard: 'moreSegments', target: 'mlcPositioning', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion', assign({ segmentIndex: ({ context }) => context.segmentIndex + 1 })] },
          { guard: 'holdNeeded', target: 'beamHold', actions: ['recordHoldCauses', 'storeEvidence', 'invalidateSetupOnCouchMotion'] },
          { guard: 'linacHeld', target: 'beamHold', actions: ['recordHoldCauses', 'storeEvidence', 'invalidateSetupOnCouchMotion'] },
          { guard: 'beamOnUnconfirmed', target: 'beamHold', actions: ['recordHoldCauses', 'storeEvidence', 'invalidateSetupOnCouchMotion'] },
          {
            actions: [
              'storeEvidence',
              'invalidateSetupOnCouchMotion',
              assign({
                beamOnConfirmed: ({ context, event }) => context.beamOnConfirmed || linacBeamOn(context, event),
                beamOnConfirmedAtMs: ({ context, event }) => context.beamOnConfirmedAtMs ?? (linacBeamOn(context, event) ? event.atMs : undefined),
              }),
            ],
          },
        ],
        TICK: [
          { guard: 'latchedFault', target: 'fault', actions: 'latch' },
          { guard: 'holdNeeded', target: 'beamHold', actions: 'recordHoldCauses' },
          { guard: 'beamOnUnconfirmed', target: 'beamHold', actions: 'recordHoldCauses' },
        ],
        OPERATOR_HOLD: { target: 'beamHold', actions: 'recordHoldCauses' },
        COMMAND_FAILED: { target: 'beamHold', actions: 'recordHoldCauses' },
        LOAD_PLAN: UNHANDLED_IN_BEAM_ON,
        REGISTRATION: UNHANDLED_IN_BEAM_ON,
        APPROVE: UNHANDLED_IN_BEAM_ON,
        BEAM_ON: UNHANDLED_IN_BEAM_ON,
        RESUME: UNHANDLED_IN_BEAM_ON,
        RESET: UNHANDLED_IN_BEAM_ON,
        REJECT_REGISTRATION: UNHANDLED_IN_BEAM_ON,
        SELECT_BEAM: UNHANDLED_IN_BEAM_ON,
        REPOSITION_MLC: REPOSITION_IN_BEAM_ON,
      },
    },
    beamHold: {
      tags: ['hold'],
      entry: [assign({ holdSinceMs: ({ event }) => event.atMs }), 'commandHold'],
      on: {
        EVIDENCE: [
          { guard: 'latchedFault', target: 'fault', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion', 'latch'] },
          { guard: 'linacTerminated', target: 'fault', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion', 'latch'] },
          // still on long after the hold: a linac that does not obey holds is terminated
          { guard: 'holdNotObeyed', target: 'fault', actions: ['storeEvidence', 'latchUnexpectedBeam'] },
          // the linac reports beam on while the session holds: send the hold again
          { guard: 'linacBeamOn', actions: ['storeEvidence', 'invalidateSetupOnCouchMotion', 'commandHold'] },
          { actions: ['storeEvidence', 'invalidateSetupOnCouchMotion'] },
        ],
        COMMAND_FAILED: { guard: 'holdCommandFailed', target: 'fault', actions: 'latch' },
        RESUME: [
          { guard: 'lastSegmentDelivered', target: 'beamComplete' },
          { guard: 'boundaryResumePermitted', target: 'mlcPositioning', actions: assign({ segmentIndex: ({ context }) => context.segmentIndex + 1, startPermitRequired: true }) },
          { guard: 'moreSegments', actions: ['recordDenial', 'noticeDenied'] },
          { guard: 'permitted', target: 'beamOn' },
          { actions: ['recordDenial', 'noticeDenied'] },
        ],
        // re-send the segment's leaves (a restarted MLC controller lost them); no target: the beam stays held
        REPOSITION_MLC: [{ guard: 'repositionAllowed', actions: ['repositionMlc', 'commandRepositionMlc', 'noticeRepositioned'] }, { actions: 'noticeRepositionRefused' }],
      },
    },
    beamComplete: {
      entry: emit(({ context }) => ({ type: 'notice' as const, kind: 'beam-delivered' as const, beamId: currentBeam(context)!.id, irradiationMs: context.irradiationMs })),
      always: [{ guard: 'isLastBeam', target: 'fractionComplete' }, { target: 'beamSelected', actions: assign({ beamIndex: ({ context }) => context.beamIndex + 1 }) }],
    },
    fractionComplete: { tags: ['complete'] },
    qa: qaModeStates,
    fault: {
      tags: ['fault'],
      entry: ['markTerminateSent', 'commandTerminate', emit({ type: 'command', command: 'STOP_MLC' }), emit({ type: 'command', command: 'STOP_COUCH' })],
      on: {
        EVIDENCE: [{ guard: 'terminateDue', actions: ['storeEvidence', 'markTerminateSent', 'commandTerminate'] }, { actions: 'storeEvidence' }],
        TICK: { guard: 'terminateDue', actions: ['markTerminateSent', 'commandTerminate'] },
        COUCH_MOTION_FAULT: { actions: 'latchCouchMotion' },
        COMMAND_FAILED: {}, // journaled by the session; the terminate is repeated on the next evidence or tick that does not show the beam off
        RESET: [
          { guard: 'carriedLatchClear', target: 'idle', actions: assign({ latchedFaults: [], carriedLatches: [], carriedFrom: undefined, faultReason: undefined }) },
          { guard: 'latchClear', target: 'aborted', actions: assign({ latchedFaults: [] }) },
          { actions: ['recordDenial', 'noticeDenied'] },
        ],
      },
    },
    aborted: {
      tags: ['aborted'],
      entry: ['markTerminateSent', 'commandTerminate', emit({ type: 'command', command: 'STOP_MLC' }), emit({ type: 'command', command: 'STOP_COUCH' })],
      on: {
        EVIDENCE: [{ guard: 'terminateDue', actions: ['storeEvidence', 'markTerminateSent', 'commandTerminate'] }, { actions: 'storeEvidence' }],
        TICK: { guard: 'terminateDue', actions: ['markTerminateSent', 'commandTerminate'] },
        ABORT: {},
        COUCH_MOTION_FAULT: {},
        COMMAND_FAILED: {},
      },
    },
  },
});

export type SessionMachine = typeof sessionMachine;

function continuationMode(c: Ctx): PermitMode {
  return c.startPermitRequired ? 'start' : 'running';
}
