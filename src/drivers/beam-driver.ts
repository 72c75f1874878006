/**
 * Linac beam-link driver. The heartbeat is a status request, so the linac's
 * own watchdog sees the bridge alive and the bridge sees both MU channels,
 * door and beam state, stamped with the clock.
 */
import { BridgeError } from '../core/bridge-error.js';
import { BEAM_DEVICE_TYPE, BeamCmd, decodeBeamIdentity, decodeBeamStatus, encodeArm, encodeMu, type ArmRequest, type BeamStatus } from '../protocol/beam-protocol.js';
import type { ByteLink } from '../transport/byte-link.js';
import { FramedDriver, type FramedDriverOptions, type IdentityCheck } from './device-driver.js';

export interface BeamSnapshot {
  readonly status: BeamStatus;
  /** Clock time the reply arrived, ms. */
  readonly atMs: number;
  /** Clock time the request was sent: the linac sampled its counters in [requestedAtMs, atMs], ms. */
  readonly requestedAtMs?: number;
}

export class BeamDriver extends FramedDriver<BeamSnapshot> {
  constructor(link: ByteLink, opts: FramedDriverOptions) {
    super('beam', link, opts, (c) => BeamCmd[c] ?? `0x${c.toString(16)}`);
    this.startPolling();
  }

  arm(a: ArmRequest): Promise<BeamStatus> {
    return this.command(BeamCmd.Arm, encodeArm(a));
  }
  setSegmentEnd(endMu: number): Promise<BeamStatus> {
    return this.command(BeamCmd.SetSegmentEnd, encodeMu(endMu));
  }
  beamOn(): Promise<BeamStatus> {
    return this.command(BeamCmd.BeamOn);
  }
  hold(): Promise<BeamStatus> {
    return this.command(BeamCmd.Hold);
  }
  terminate(): Promise<BeamStatus> {
    return this.command(BeamCmd.Terminate);
  }
  reset(): Promise<BeamStatus> {
    return this.command(BeamCmd.Reset);
  }
  status(): Promise<BeamStatus> {
    return this.command(BeamCmd.Status);
  }

  /** The device must say it is a linac beam interface (any model: the config names none). */
  protected async checkIdentity(): Promise<IdentityCheck> {
    const f = await this.client.request(BeamCmd.Identify, Buffer.alloc(0), this.opts.requestTimeoutMs);
    const id = decodeBeamIdentity(f.payload);
    const actual = id ? `${id.deviceType} ${id.model} (firmware ${id.firmware})` : `an IDENTIFY reply that does not decode (${f.payload.length} bytes)`;
    return { ok: id?.deviceType === BEAM_DEVICE_TYPE, expected: this.expectedIdentity(), actual };
  }

  protected expectedIdentity(): string {
    return BEAM_DEVICE_TYPE;
  }

  /** The heartbeat is a status request. */
  protected async poll(): Promise<void> {
    await this.command(BeamCmd.Heartbeat);
  }

  /** Every reply carries the full status: each command refreshes the snapshot. */
  private async command(cmd: BeamCmd, payload: Buffer = Buffer.alloc(0)): Promise<BeamStatus> {
    const requestedAtMs = this.opts.clock.nowMs();
    const f = await this.client.request(cmd, payload, this.opts.requestTimeoutMs);
    const status = decodeBeamStatus(f.payload);
    if (!status) throw new BridgeError('FRAME_MALFORMED', 'status payload does not decode', { field: `beam.${BeamCmd[cmd]}` });
    if (!this.snapshots.closed) this.snapshots.next({ status, atMs: this.opts.clock.nowMs(), requestedAtMs });
    return status;
  }
}
