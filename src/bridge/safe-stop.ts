/**
 * The way out for every exit (signal, timeout, error): command a hold
 * (interruption, IEC 60601-2-1) to the linac and a stop to the couch, then
 * wait, within a bound, for the readback that shows the beam off and the couch
 * still. A hold the linac has not confirmed by half the bound is escalated to
 * a termination. The commands go out whatever the session's state; the
 * linac's own heartbeat watchdog stays the backstop when this process cannot
 * run at all (SIGKILL, power loss).
 */
import { BeamState, type BeamStatus } from '../protocol/beam-protocol.js';
import type { JournalSink } from '../journal/journal.js';
import type { RoomDrivers } from './evidence-feed.js';

export interface SafeStopResult {
  /** The linac's readback shows the beam not on (held, paused, complete, terminated or idle). */
  readonly beamOff: boolean;
  /** The couch's readback shows it not moving. */
  readonly couchStill: boolean;
  /** The last linac readback. */
  readonly beam?: BeamStatus;
  readonly escalatedToTerminate: boolean;
  readonly errors: readonly string[];
}

/** Default bound for the readback, ms: the linac watchdog (300 ms) and a few heartbeats fit in it. */
export const SAFE_STOP_BOUND_MS = 2000;

export async function safeStop(drivers: RoomDrivers, journal: JournalSink, reason: string, boundMs = SAFE_STOP_BOUND_MS): Promise<SafeStopResult> {
  const errors: string[] = [];
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      errors.push(`${what}: ${(e as Error).message}`);
      return undefined;
    }
  };
  journal.append('command', { command: 'HOLD_BEAM', by: 'safe-stop', reason });
  journal.append('command', { command: 'STOP_COUCH', by: 'safe-stop', reason });
  // both at once: neither waits on the other's link
  const [held] = await Promise.all([attempt('HOLD_BEAM', () => drivers.beam.hold()), attempt('STOP_COUCH', () => drivers.couch.stop())]);
  const start = performance.now();
  let beam = held;
  let escalated = false;
  for (;;) {
    beam = (await attempt('beam status', () => drivers.beam.status())) ?? beam;
    const beamOff = beam !== undefined && beam.state !== BeamState.BeamOn;
    const couch = drivers.couch.latest;
    const couchStill = couch !== undefined && drivers.couch.isFresh() && !couch.status.moving;
    const elapsed = performance.now() - start;
    if ((beamOff && couchStill) || elapsed > boundMs) {
      const result = { beamOff, couchStill, beam, escalatedToTerminate: escalated, errors };
      journal.append('device-event', { device: 'bridge', type: 'safe-stop', reason, beamOff, couchStill, escalatedToTerminate: escalated, beamState: beam ? BeamState[beam.state] : null, mu1: beam?.mu1, mu2: beam?.mu2, errors });
      return result;
    }
    if (!beamOff) {
      if (elapsed > boundMs / 2 && !escalated) {
        escalated = true;
        journal.append('command', { command: 'TERMINATE_BEAM', by: 'safe-stop', reason: 'hold not confirmed by the linac' });
        await attempt('TERMINATE_BEAM', () => drivers.beam.terminate());
      } else {
        await attempt('HOLD_BEAM', () => drivers.beam.hold());
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
