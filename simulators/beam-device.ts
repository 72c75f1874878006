/**
 * Simulated linac beam interface. MU accrue at the dose rate on two
 * independent channels; the beam pauses at each segment end and completes at
 * the preset. Device-side safety of its own: door and e-stop interrupt, the
 * secondary channel terminates at preset + max(10 %, 0.25 MU·) [configurable],
 * a backup timer terminates, and a missing bridge heartbeat holds the beam.
 * Sensor faults for machine QA: door and e-stop switches stuck, a channel-2 gain error.
 */
import type { Frame } from '../src/protocol/frame-codec.js';
import { NakReason } from '../src/protocol/frame-codec.js';
import { BEAM_DEVICE_TYPE, BEAM_REQUEST_PAYLOAD_BYTES, BeamCmd, encodeBeamIdentity, MU_LSB, BeamState, TerminationReason, decodeArm, decodeMu, encodeBeamStatus, type BeamStatus } from '../src/protocol/beam-protocol.js';
import type { DeviceReply, FramedDevice } from './framed-device-host.js';
import type { Steppable } from './physics-loop.js';

export interface BeamSimOptions {
  /** Bridge heartbeat must arrive within this wall time while the beam is on, ms. */
  readonly watchdogMs: number;
  /** Secondary channel terminates at preset × (1 + this). */
  readonly secondaryMarginFraction: number;
  /** Relative gain error of channel 2 against channel 1 (calibration difference). */
  readonly channel2GainError: number;
  /** Backup timer: preset time × this + 1 s. */
  readonly backupTimerFactor: number;
}

export const defaultBeamSimOptions: BeamSimOptions = { watchdogMs: 300, secondaryMarginFraction: 0.1, channel2GainError: 2e-4, backupTimerFactor: 1.2 };

export class BeamDevice implements FramedDevice, Steppable {
  private state = BeamState.Idle;
  private beamId = 0;
  private mu1 = 0;
  private mu2 = 0;
  private presetMu = 0;
  private segmentEndMu = 0;
  private doseRate = 0;
  private termination = TerminationReason.None;
  private beamOnMs = 0;
  private sinceHeartbeatMs = 0;
  private watchdogHold = false;
  private tick = 0;
  /** Room and fault injection: door, e-stop, a primary channel that stops counting, a controller that runs past the segment end (MU overrun). */
  readonly room = { doorClosed: true, emergencyStop: false, primaryChannelStuck: false, ignoresSegmentEnd: false };
  /**
   * Sensor faults (QA fault injection): a switch stuck in one position reports it whatever the
   * door or button does, to the bridge and to the linac's own interlock alike; a channel-2 gain
   * error replaces options.channel2GainError while set.
   */
  readonly sensors = { doorSwitch: 'ok' as 'ok' | 'stuck-closed' | 'stuck-open', estopSwitch: 'ok' as 'ok' | 'stuck-released' | 'stuck-pressed', channel2GainError: undefined as number | undefined };

  /** The MLC controller's beam hold-off line: while true the beam pauses (dose does not accrue). */
  holdOff: () => boolean = () => false;
  /** Instrumentation: called with every command received (latency measurements). */
  onCommand: ((cmd: BeamCmd, atMs: number) => void) | undefined;

  constructor(readonly options: BeamSimOptions = defaultBeamSimOptions) {}

  get status(): BeamStatus {
    return {
      state: this.state, beamId: this.beamId, mu1: this.mu1, mu2: this.mu2, presetMu: this.presetMu, segmentEndMu: this.segmentEndMu,
      doseRateMuPerMin: this.doseRate, doorClosed: this.doorSensedClosed(), emergencyStop: this.estopSensedPressed(),
      watchdogHold: this.watchdogHold, termination: this.termination, tick: this.tick,
    };
  }

  handle(frame: Frame): DeviceReply {
    this.onCommand?.(frame.cmd, performance.now());
    const ok = (): DeviceReply => ({ payload: encodeBeamStatus(this.status) });
    const expectedBytes = BEAM_REQUEST_PAYLOAD_BYTES[frame.cmd as BeamCmd] as number | undefined;
    if (expectedBytes !== undefined && frame.payload.length !== expectedBytes) return { nak: NakReason.BadPayload };
    switch (frame.cmd) {
      case BeamCmd.Identify:
        return { payload: encodeBeamIdentity({ deviceType: BEAM_DEVICE_TYPE, model: 'SIM-LINAC', firmware: 'sim-1.0' }) };
      case BeamCmd.Status:
        return ok();
      case BeamCmd.Heartbeat:
        this.sinceHeartbeatMs = 0;
        return ok();
      case BeamCmd.Arm: {
        const a = decodeArm(frame.payload);
        if (!a || a.presetMu <= 0 || a.doseRateMuPerMin <= 0) return { nak: NakReason.BadPayload };
        if (this.state !== BeamState.Idle) return { nak: NakReason.NotAllowedInState };
        Object.assign(this, { beamId: a.beamId, presetMu: a.presetMu, doseRate: a.doseRateMuPerMin, mu1: 0, mu2: 0, segmentEndMu: 0, beamOnMs: 0 });
        this.termination = TerminationReason.None;
        this.state = BeamState.Armed;
        return ok();
      }
      case BeamCmd.SetSegmentEnd: {
        const end = decodeMu(frame.payload);
        if (end === undefined) return { nak: NakReason.BadPayload };
        if (![BeamState.Armed, BeamState.SegmentDone, BeamState.Held].includes(this.state)) return { nak: NakReason.NotAllowedInState };
        if (end <= this.mu1 || end > this.presetMu + 1e-9) return { nak: NakReason.OutOfRange };
        this.segmentEndMu = end;
        return ok();
      }
      case BeamCmd.BeamOn:
        if (![BeamState.Armed, BeamState.SegmentDone, BeamState.Held].includes(this.state)) return { nak: NakReason.NotAllowedInState };
        if (!this.doorSensedClosed() || this.estopSensedPressed() || this.segmentEndMu <= this.mu1) return { nak: NakReason.NotAllowedInState };
        this.watchdogHold = false;
        this.sinceHeartbeatMs = 0;
        this.state = BeamState.BeamOn;
        return ok();
      case BeamCmd.Hold:
        if (this.state === BeamState.BeamOn) this.state = BeamState.Held;
        return ok();
      case BeamCmd.Terminate:
        if (this.state !== BeamState.Idle && this.state !== BeamState.Complete) this.terminate(TerminationReason.Manual);
        return ok();
      case BeamCmd.Reset:
        if (this.state === BeamState.BeamOn) return { nak: NakReason.NotAllowedInState };
        this.state = BeamState.Idle;
        return ok();
      default:
        return { nak: NakReason.UnknownCommand };
    }
  }

  advance(dtMs: number, wallDtMs: number): void {
    this.tick = (this.tick + 1) & 0xffff;
    if (this.state !== BeamState.BeamOn) return;
    this.sinceHeartbeatMs += wallDtMs;
    if (this.sinceHeartbeatMs > this.options.watchdogMs) {
      this.watchdogHold = true;
      this.state = BeamState.Held;
      return;
    }
    if (!this.doorSensedClosed() || this.estopSensedPressed()) {
      this.state = BeamState.Held;
      return;
    }
    if (this.holdOff()) return; // the MLC holds the beam off until its leaves catch up
    this.beamOnMs += dtMs;
    const dMu = (this.doseRate / 60_000) * dtMs;
    const room = this.room.ignoresSegmentEnd ? Infinity : this.segmentEndMu - this.mu1;
    const d1 = this.room.primaryChannelStuck ? 0 : Math.min(dMu, room);
    const d2 = (this.room.primaryChannelStuck ? dMu : d1) * (1 + (this.sensors.channel2GainError ?? this.options.channel2GainError));
    this.mu1 += d1;
    this.mu2 += d2;
    if (this.mu2 >= this.presetMu * (1 + this.options.secondaryMarginFraction)) return this.terminate(TerminationReason.SecondaryChannel);
    const presetTimeMs = (this.presetMu / this.doseRate) * 60_000;
    if (this.beamOnMs > presetTimeMs * this.options.backupTimerFactor + 1000) return this.terminate(TerminationReason.BackupTimer);
    // done when the count it reports (whole LSBs) reaches the end: never "beam on" at the end count
    if (this.mu1 >= this.segmentEndMu - MU_LSB / 2 && !this.room.ignoresSegmentEnd) {
      this.mu1 = this.segmentEndMu;
      if (this.segmentEndMu >= this.presetMu - 1e-9) {
        this.state = BeamState.Complete;
        this.termination = TerminationReason.PresetReached;
      } else {
        this.state = BeamState.SegmentDone;
      }
    }
  }

  /** Fault injection: the beam comes on without a command (a welded relay), from an armed state with MU left. */
  injectBeamOn(): void {
    if (![BeamState.Armed, BeamState.SegmentDone, BeamState.Held].includes(this.state)) return;
    this.sinceHeartbeatMs = 0;
    this.state = BeamState.BeamOn;
  }

  private doorSensedClosed(): boolean {
    return this.sensors.doorSwitch === 'ok' ? this.room.doorClosed : this.sensors.doorSwitch === 'stuck-closed';
  }

  private estopSensedPressed(): boolean {
    return this.sensors.estopSwitch === 'ok' ? this.room.emergencyStop : this.sensors.estopSwitch === 'stuck-pressed';
  }

  private terminate(reason: TerminationReason): void {
    this.state = BeamState.Terminated;
    this.termination = reason;
  }
}
