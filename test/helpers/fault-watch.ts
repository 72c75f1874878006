/**
 * Watches the simulated linac from the inside: every command it receives and
 * every change of its beam state, timed where they happen (in the device's
 * command handler and physics step), so the time from a fault to the beam off
 * is measured at the linac, not at the bridge.
 *
 * Unsafe means: the linac reports the beam on while an interlock is active
 * (the bridge's own, or the injected fault itself when the scenario says the
 * beam must go off) for longer than the scenario's stated time.
 */
import { BeamCmd, BeamState } from '../../src/protocol/beam-protocol.js';
import type { BeamDevice } from '../../simulators/beam-device.js';

export interface LinacCommand {
  readonly cmd: string;
  readonly atMs: number;
}

export class SafetyWatch {
  readonly commands: LinacCommand[] = [];
  injectedAtMs: number | undefined;
  /** First time after the injection that the linac reported the beam not on. */
  safeAtMs: number | undefined;
  unsafe = false;
  unsafeDetail = '';
  private deadlineMs = Infinity;
  private beamMustGoOff = false;
  private interlockSinceMs: number | undefined;
  private active = true;

  /** `interlockActive` reads the bridge's interlocks (false when the bridge is another process). */
  constructor(private readonly beam: BeamDevice, private readonly interlockActive: () => boolean = () => false) {
    const handle = beam.handle.bind(beam);
    const advance = beam.advance.bind(beam);
    const previous = beam.onCommand;
    beam.onCommand = (cmd, atMs) => {
      previous?.(cmd, atMs);
      if (this.injectedAtMs !== undefined) this.commands.push({ cmd: BeamCmd[cmd] ?? String(cmd), atMs });
    };
    beam.handle = (frame) => {
      const r = handle(frame);
      this.check();
      return r;
    };
    beam.advance = (dtMs, wallDtMs) => {
      advance(dtMs, wallDtMs);
      this.check();
    };
  }

  /** Marks the injection; from now the beam must be off within `deadlineMs` if `beamMustGoOff`. */
  inject(deadlineMs: number, beamMustGoOff: boolean, fault: () => void): void {
    this.deadlineMs = deadlineMs;
    this.beamMustGoOff = beamMustGoOff;
    this.injectedAtMs = performance.now();
    fault();
    this.check();
  }

  /** Stops judging (before an operator resumes the beam on purpose). */
  stop(): void {
    this.active = false;
  }

  /** The first command of these kinds the linac received after the injection. */
  firstCommand(...kinds: string[]): LinacCommand | undefined {
    return this.commands.find((c) => kinds.includes(c.cmd));
  }

  get msToSafeState(): number | undefined {
    return this.safeAtMs === undefined || this.injectedAtMs === undefined ? undefined : this.safeAtMs - this.injectedAtMs;
  }

  private check(): void {
    if (!this.active || this.injectedAtMs === undefined) return;
    const now = performance.now();
    const on = this.beam.status.state === BeamState.BeamOn;
    if (!on) {
      this.safeAtMs ??= now;
      return;
    }
    const interlock = this.interlockActive();
    if (!interlock) this.interlockSinceMs = undefined;
    else this.interlockSinceMs ??= now;
    const since = this.beamMustGoOff ? this.injectedAtMs : this.interlockSinceMs;
    if (since !== undefined && now - since > this.deadlineMs && !this.unsafe) {
      this.unsafe = true;
      this.unsafeDetail = `beam on ${(now - since).toFixed(0)} ms after ${this.beamMustGoOff ? 'the injection' : 'an interlock became active'} (stated ${this.deadlineMs} ms)`;
    }
  }
}
