/**
 * Carries out the session's commands on the devices. Commands to one device
 * run in the order emitted (arm before segment end); safety commands (hold,
 * terminate, stop) skip that queue and go to the driver at once. Because a
 * hold can overtake a queued beam-on, BEAM_ON is sent only if `beamOnWanted()`
 * still says so at the moment of sending; otherwise it is dropped.
 * The linac's armed preset MU and dose rate are read back and compared with
 * the plan on the ARM reply and again just before every BEAM_ON (never from
 * a cached status).
 */
import { BridgeError } from '../core/bridge-error.js';
import { BeamState, type BeamStatus } from '../protocol/beam-protocol.js';
import { armedMismatch } from '../interlock/evaluate-permit.js';
import type { SessionCommand } from '../interlock/session-types.js';
import type { TrajectoryPoint } from '../protocol/mlc-protocol.js';
import type { RoomDrivers } from './evidence-feed.js';

type Device = keyof RoomDrivers;
/** Commands that stop motion or radiation: they skip every queue (and, in the session, the journal). */
export const SAFETY_COMMANDS: ReadonlySet<SessionCommand['command']> = new Set(['HOLD_BEAM', 'TERMINATE_BEAM', 'STOP_COUCH', 'STOP_MLC']);

export class CommandExecutor {
  private readonly queues: Record<Device, Promise<unknown>> = { mlc: Promise.resolve(), couch: Promise.resolve(), beam: Promise.resolve() };

  private readonly movedCorrections = new Set<string>();

  constructor(
    private readonly d: RoomDrivers,
    private readonly checks: {
      /** The session is in beamOn right now. */
      readonly beamOnWanted: () => boolean;
      /** The operator approved this registration's correction. */
      readonly correctionApproved: (registrationId: string) => boolean;
      /** The leaf trajectory of a dynamic beam of the loaded plan, or undefined (step and shoot). */
      readonly trajectoryFor?: (beamId: number) => readonly TrajectoryPoint[] | undefined;
    },
  ) {}

  /** Resolves when done; rejects with the device's error. */
  execute(cmd: SessionCommand): Promise<void> {
    const device = deviceOf(cmd);
    const run = (): Promise<void> => this.run(cmd);
    if (SAFETY_COMMANDS.has(cmd.command)) return run();
    const p = this.queues[device].then(run, run);
    this.queues[device] = p.catch(() => undefined);
    return p;
  }

  private async run(cmd: SessionCommand): Promise<void> {
    const { mlc, couch, beam } = this.d;
    switch (cmd.command) {
      case 'MOVE_COUCH':
        // defence in depth beside the statechart: only approved corrections, each once
        if (!this.checks.correctionApproved(cmd.registrationId)) throw new BridgeError('PERMIT_DENIED', 'couch move for a correction the operator has not approved', { field: 'registrationId', actual: cmd.registrationId });
        if (this.movedCorrections.has(cmd.registrationId)) throw new BridgeError('PERMIT_DENIED', 'correction already applied', { field: 'registrationId', actual: cmd.registrationId });
        this.movedCorrections.add(cmd.registrationId);
        return couch.moveTo(cmd.target, cmd.moveId);
      case 'STOP_COUCH':
        return couch.stop();
      case 'MOVE_MLC': {
        const trajectory = this.checks.trajectoryFor?.(cmd.beamId);
        // a controller still following a trajectory takes no targets: stopped first (it stops where it is);
        // a reposition in a hold stops it whatever it reports (a restarted controller may still be moving)
        if (trajectory || cmd.reposition || mlc.latest?.status.trajectoryMode) await mlc.stop();
        if (trajectory) {
          // a dynamic beam: the controller goes to the first control point and then follows the linac's dose fraction
          await mlc.loadTrajectory(trajectory);
          return mlc.startTrajectory();
        }
        await mlc.setTargets(cmd.leaves);
        return mlc.move();
      }
      case 'STOP_MLC':
        return mlc.stop();
      case 'ARM_BEAM': {
        const s = await beam.status();
        if (s.state === BeamState.BeamOn) throw new BridgeError('DEVICE_FAULT', 'linac reports beam on while arming', { field: 'beam.state', actual: BeamState[s.state] });
        if (s.state !== BeamState.Idle) await beam.reset();
        checkArmed(await beam.arm({ beamId: cmd.beamId, presetMu: cmd.presetMu, doseRateMuPerMin: cmd.doseRateMuPerMin }), cmd);
        return;
      }
      case 'SET_SEGMENT_END':
        await beam.setSegmentEnd(cmd.endMu);
        return;
      case 'BEAM_ON': {
        const superseded = () => new BridgeError('PERMIT_DENIED', 'beam-on superseded before it was sent (the session left beamOn)', { field: 'session.state' });
        if (!this.checks.beamOnWanted()) throw superseded();
        checkArmed(await beam.status(), cmd);
        if (!this.checks.beamOnWanted()) throw superseded(); // a hold may have come while the status was read
        await beam.beamOn();
        return;
      }
      case 'HOLD_BEAM':
        await beam.hold();
        return;
      case 'TERMINATE_BEAM':
        await beam.terminate();
        return;
    }
  }
}

/** Throws when the linac's readback of the armed beam differs from the plan. */
function checkArmed(s: Pick<BeamStatus, 'beamId' | 'presetMu' | 'doseRateMuPerMin'>, planned: { beamId: number; presetMu: number; doseRateMuPerMin: number }): void {
  const m = armedMismatch(s, planned);
  if (m) throw new BridgeError('DEVICE_FAULT', 'the linac reports the beam armed differently from the plan', { field: `beam.${m.field}`, limit: m.planned, actual: m.actual });
}

function deviceOf(cmd: SessionCommand): Device {
  switch (cmd.command) {
    case 'MOVE_COUCH':
    case 'STOP_COUCH':
      return 'couch';
    case 'MOVE_MLC':
    case 'STOP_MLC':
      return 'mlc';
    default:
      return 'beam';
  }
}
