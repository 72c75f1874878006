/**
 * Drives the session statechart against a scripted "room": device state the
 * test can change, answering the machine's emitted commands the way the
 * devices would. Time is explicit (every event carries atMs), so no sleeping.
 */
import fs from 'node:fs';
import { createActor } from 'xstate';
import { motionSettings, toleranceSet, stateName } from '../../src/bridge/bridge-session.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Pose6 } from '../../src/core/pose.js';
import { ZERO_POSE } from '../../src/core/pose.js';
import { loadPlanFile } from '../../src/domain/plan/validate-plan.js';
import type { Plan } from '../../src/domain/plan/plan.js';
import type { Evidence } from '../../src/interlock/evidence.js';
import { sessionMachine } from '../../src/interlock/session-machine.js';
import type { PendingRegistration, SessionCommand, SessionEvent, SessionNotice } from '../../src/interlock/session-types.js';
import { BeamState, TerminationReason } from '../../src/protocol/beam-protocol.js';
import { CouchFault } from '../../src/protocol/couch-register-map.js';
import type { MlcPositions } from '../../src/protocol/mlc-protocol.js';

export const config = loadConfig();
export const examplePlan: Plan = loadPlanFile(
  fs.readFileSync(new URL('../../examples/two-beam-step-and-shoot.json', import.meta.url), 'utf8'), 'example', config.mlc, Object.keys(config.bridge.actionLevels), config.bridge.delivery,
);

/** The example plan under the SRS protocol: verification always, intrafraction monitoring required. */
export const srsPlan: Plan = { ...examplePlan, protocol: 'srs' };

export const SETUP_TARGET: Pose6 = { lateralMm: 2, longitudinalMm: -1, verticalMm: 1, pitchDeg: 0.5, rollDeg: -0.3, yawDeg: 0.4 };

export interface Room {
  doorClosed: boolean;
  emergencyStop: boolean;
  couch: Pose6;
  couchMoving: boolean;
  couchFault: boolean;
  mlc: MlcPositions | undefined;
  mlcMoving: boolean;
  mlcFault: boolean;
  beam: { state: BeamState; beamId: number; mu1: number; mu2: number; presetMu: number; segmentEndMu: number; termination: TerminationReason };
  /** Link last heard at this time; undefined = follows the clock (fresh). */
  linkHeardAt: { mlc?: number; couch?: number; beam?: number };
  /** When false the room does not carry out MOVE_MLC (a stuck MLC). */
  mlcFollows: boolean;
  /** Intrafraction monitoring stream; lastSampleMs undefined = samples keep arriving. */
  motion?: { inWindow: boolean; sinceMs: number; lastSampleMs?: number };
  /** The journal reaches stable storage. */
  journalWritable: boolean;
  /** The linac ignores HOLD and TERMINATE (a disobedient or failed linac). */
  linacIgnoresStops: boolean;
  /** Dose rate the linac reports (the plan's is 600 MU/min). */
  doseRateMuPerMin: number;
}

export class SessionHarness {
  t = 1_000;
  readonly commands: SessionCommand[] = [];
  readonly notices: SessionNotice[] = [];
  readonly actor = createActor(sessionMachine, {
    input: { mlcModel: config.mlc, actionLevels: config.bridge.actionLevels, motionSettings: motionSettings(config), tolerances: toleranceSet(config), settleMs: config.couch.inPosition.settleMs, approvalTtlMs: 60_000, evidence: { links: { mlc: { lastValidRxMs: undefined, staleAfterMs: 150 }, couch: { lastValidRxMs: undefined, staleAfterMs: 150 }, beam: { lastValidRxMs: undefined, staleAfterMs: 150 } } } },
  });
  readonly room: Room = {
    doorClosed: true, emergencyStop: false, couch: { ...ZERO_POSE }, couchMoving: false, couchFault: false, mlc: undefined, mlcMoving: false, mlcFault: false,
    beam: { state: BeamState.Idle, beamId: 0, mu1: 0, mu2: 0, presetMu: 0, segmentEndMu: 0, termination: TerminationReason.None }, linkHeardAt: {}, mlcFollows: true,
    journalWritable: true, linacIgnoresStops: false, doseRateMuPerMin: 600,
  };

  constructor(readonly plan: Plan = examplePlan) {
    this.actor.on('command', (c) => {
      this.commands.push(c);
      this.obey(c);
    });
    this.actor.on('notice', (n) => this.notices.push(n));
    this.actor.start();
  }

  get state(): string {
    return stateName(this.actor.getSnapshot().value);
  }
  get context() {
    return this.actor.getSnapshot().context;
  }

  send(e: Omit<SessionEvent, 'atMs'>): void {
    this.actor.send({ ...e, atMs: this.t } as SessionEvent);
  }

  /** Advances time and reports the room as it is now. */
  tick(ms = 20): void {
    this.t += ms;
    this.send({ type: 'EVIDENCE', evidence: this.evidence() } as never);
  }

  evidence(): Evidence {
    const r = this.room;
    const heard = (k: 'mlc' | 'couch' | 'beam') => r.linkHeardAt[k] ?? this.t;
    return {
      beam: { atMs: heard('beam'), status: { ...r.beam, doseRateMuPerMin: r.doseRateMuPerMin, doorClosed: r.doorClosed, emergencyStop: r.emergencyStop, watchdogHold: false, tick: 0 } },
      couch: { atMs: heard('couch'), actual: r.couch, status: { moving: r.couchMoving, inPosition: !r.couchMoving, fault: r.couchFault, targetValid: true, enabled: true, watchdogExpired: false, faultCode: r.couchFault ? CouchFault.Stall : CouchFault.None, moveId: 0, deviceTick: 0 } },
      mlc: r.mlc && { atMs: heard('mlc'), positions: r.mlc, status: { moving: r.mlcMoving, inPosition: !r.mlcMoving, fault: r.mlcFault, targetsLoaded: true, faultCode: r.mlcFault ? 1 : 0, maxErrorMm: 0, tick: 0 } },
      journal: { writable: r.journalWritable, pendingRecords: r.journalWritable ? 0 : 1, lostRecords: 0 },
      motion: r.motion && { lastSampleMs: r.motion.lastSampleMs ?? this.t, inWindow: r.motion.inWindow, sinceMs: r.motion.sinceMs, offsetMm: r.motion.inWindow ? [0.2, 0.1, -0.3] : [4, 0, 0] },
      links: {
        mlc: { lastValidRxMs: heard('mlc'), staleAfterMs: 150 },
        couch: { lastValidRxMs: heard('couch'), staleAfterMs: 150 },
        beam: { lastValidRxMs: heard('beam'), staleAfterMs: 150 },
      },
    };
  }

  pending(overrides: Partial<PendingRegistration> = {}): PendingRegistration {
    return {
      registration: { id: `reg-${this.t}`, patientId: this.plan.patientId, planId: this.plan.planId, fraction: this.plan.fraction, imageSeries: 'CBCT', acquiredAtEpochMs: 0, registeredAtEpochMs: 0, method: 'bony', roiName: 'PTV', correction: SETUP_TARGET, quality: 0.9, source: 'test' },
      classification: { action: 'apply', maxTranslationMm: 2, maxRotationDeg: 0.5, reasons: [] },
      target: SETUP_TARGET,
      receivedAtMs: this.t,
      ...overrides,
    };
  }

  /** LOAD_PLAN → registration → approval → couch settles → (verification) → MLC at segment 0 → ready. */
  toReady(): void {
    this.send({ type: 'LOAD_PLAN', plan: this.plan } as never);
    const p = this.pending();
    this.send({ type: 'REGISTRATION', pending: p } as never);
    this.send({ type: 'APPROVE', registrationId: p.registration.id, operator: 'rtt', role: 'therapist' } as never);
    for (let i = 0; i < 20 && this.state !== 'ready'; i++) {
      if (this.state === 'setup.awaitingVerification') this.send({ type: 'REGISTRATION', pending: this.residual(0.2, 0.1) } as never);
      else this.tick(20);
    }
  }

  /** A verification registration with the given residual. */
  residual(mm: number, deg: number): PendingRegistration {
    const p = this.pending();
    return { ...p, registration: { ...p.registration, id: `verify-${this.t}-${mm}` }, classification: { action: 'apply', maxTranslationMm: mm, maxRotationDeg: deg, reasons: [] } };
  }

  /** Delivers MU on both channels, as the linac would, up to the segment end. */
  deliver(mu: number): void {
    const b = this.room.beam;
    const d = Math.min(mu, b.segmentEndMu - b.mu1);
    b.mu1 += d;
    b.mu2 += d;
    if (b.mu1 >= b.segmentEndMu - 1e-9) {
      b.state = b.segmentEndMu >= b.presetMu - 1e-9 ? BeamState.Complete : BeamState.SegmentDone;
    }
    this.tick(20);
  }

  private obey(c: SessionCommand): void {
    const b = this.room.beam;
    switch (c.command) {
      case 'MOVE_COUCH':
        this.room.couch = { ...c.target };
        break;
      case 'MOVE_MLC':
        if (this.room.mlcFollows) this.room.mlc = c.leaves;
        break;
      case 'ARM_BEAM':
        Object.assign(b, { state: BeamState.Armed, beamId: c.beamId, presetMu: c.presetMu, mu1: 0, mu2: 0, segmentEndMu: 0 });
        break;
      case 'SET_SEGMENT_END':
        b.segmentEndMu = c.endMu;
        break;
      case 'BEAM_ON':
        b.state = BeamState.BeamOn;
        break;
      case 'HOLD_BEAM':
        if (b.state === BeamState.BeamOn && !this.room.linacIgnoresStops) b.state = BeamState.Held;
        break;
      case 'TERMINATE_BEAM':
        if (!this.room.linacIgnoresStops) b.state = BeamState.Terminated;
        break;
      default:
        break;
    }
  }
}
