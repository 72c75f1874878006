/**
 * What the MLC checks need from the room, and the motions they share: move the
 * leaves and wait until the controller reports them in position; deliver MU
 * segment by segment; stop everything on any failure (safety commands go out
 * whatever failed). The links are the bridge's own drivers (`MlcDriver`,
 * `BeamDriver`) or anything with the same methods (a QA-mode gate around them).
 */
import { filter, firstValueFrom, timeout, type Observable } from 'rxjs';
import { BridgeError } from '../../core/bridge-error.js';
import type { Clock } from '../../core/clock.js';
import type { MlcModel } from '../../config/mlc-model.js';
import type { BeamSnapshot } from '../../drivers/beam-driver.js';
import type { MlcSnapshot } from '../../drivers/mlc-driver.js';
import { BeamState, type ArmRequest, type BeamStatus } from '../../protocol/beam-protocol.js';
import type { MlcPositions, TrajectoryPoint } from '../../protocol/mlc-protocol.js';

export interface QaMlcLink {
  setTargets(t: MlcPositions): Promise<void>;
  move(): Promise<void>;
  stop(): Promise<void>;
  readPositions(): Promise<MlcPositions>;
  loadTrajectory(points: readonly TrajectoryPoint[]): Promise<void>;
  startTrajectory(): Promise<void>;
  readonly snapshot$: Observable<MlcSnapshot | undefined>;
}

/**
 * The QA beam a check delivers with: in the rig, a bridge session in QA mode (`QaModeBeam`), so every
 * safety interlock applies. One beam is one segment: it ends at its preset.
 */
export interface QaBeamLink {
  /** Selects a QA beam: the linac is armed with it (an earlier beam's counts cleared). */
  arm(a: ArmRequest): Promise<BeamStatus>;
  /** Starts the armed beam (through the QA permit); resolves once the linac reports it on. */
  beamOn(): Promise<BeamStatus>;
  /** Ends the beam at once: a safety command, sent whatever else failed. */
  terminate(): Promise<unknown>;
  /**
   * After a hold: waits for the interlocks that held it to clear and resumes (through the QA permit);
   * rejects naming them when they do not clear. Resolves with the causes of the hold.
   */
  resume(): Promise<readonly string[]>;
  status(): Promise<BeamStatus>;
  readonly snapshot$: Observable<BeamSnapshot | undefined>;
}

/** Progress of a long check: fraction done (0..1) and what it is doing. */
export type QaProgress = (fraction: number, message: string) => void;

export interface MlcCheckRoom {
  readonly mlc: QaMlcLink;
  readonly beam: QaBeamLink;
  /** The MLC model (leaf widths, rated speed, minimum gap, travel) the check drives. */
  readonly model: MlcModel;
  readonly clock: Clock;
  readonly onProgress?: QaProgress;
}

/** Waits for the first value that satisfies `pred`, at most `timeoutMs` (a REQUEST_TIMEOUT naming `field`). */
export function waitFor<T>(src: Observable<T | undefined>, pred: (v: T) => boolean, timeoutMs: number, field: string): Promise<T> {
  return firstValueFrom(
    src.pipe(
      filter((v): v is T => v !== undefined && pred(v)),
      timeout({ first: timeoutMs, with: () => Promise.reject(new BridgeError('REQUEST_TIMEOUT', 'QA check waited too long', { field, limit: timeoutMs, unit: 'ms' })) }),
    ),
  );
}

const ARRIVED_MM = 0.05;

/** Sends targets, moves, and resolves with the first readback that shows every leaf there and the controller in position. */
export async function moveLeaves(room: MlcCheckRoom, targets: MlcPositions, field: string): Promise<MlcSnapshot> {
  await room.mlc.setTargets(targets);
  const sent = room.clock.nowMs();
  await room.mlc.move();
  const span = room.model.travel.maxMm - room.model.travel.minMm;
  const timeoutMs = (2 * span * 1000) / room.model.maxLeafSpeedMmPerS + 5000;
  const there = (p: MlcPositions) => p.bankAMm.every((v, i) => Math.abs(v - targets.bankAMm[i]) <= ARRIVED_MM) && p.bankBMm.every((v, i) => Math.abs(v - targets.bankBMm[i]) <= ARRIVED_MM);
  return waitFor(room.mlc.snapshot$, (s) => s.atMs > sent && s.status.inPosition && !s.status.moving && there(s.positions), timeoutMs, field);
}

/** Holds of one QA beam (an interlock that acted and cleared, e.g. a link stale for a moment under load) a check resumes from. */
export const MAX_HOLDS = 3;

/** Arms a QA beam, starts it and resolves with the linac's status once its preset is delivered. */
export async function deliverQaBeam(room: MlcCheckRoom, a: ArmRequest): Promise<BeamStatus> {
  await room.beam.arm(a);
  await room.beam.beamOn();
  const timeoutMs = (a.presetMu / a.doseRateMuPerMin) * 60_000 * 3 + 5000;
  const ended = (s: BeamSnapshot) => s.status.beamId === a.beamId && [BeamState.Complete, BeamState.Terminated, BeamState.Held].includes(s.status.state);
  let since = Number.NEGATIVE_INFINITY;
  for (let holds = 0; ; ) {
    const done = await waitFor(room.beam.snapshot$, (s) => s.atMs > since && ended(s), timeoutMs, 'beam.presetMu');
    if (done.status.state === BeamState.Terminated) throw new BridgeError('DEVICE_FAULT', 'the beam terminated during a QA delivery', { field: 'beam.state', actual: BeamState[done.status.state] });
    if (done.status.state !== BeamState.Held) return done.status;
    if (++holds > MAX_HOLDS) throw new BridgeError('DEVICE_FAULT', 'the QA beam was held too often', { field: 'beam.state', limit: MAX_HOLDS, actual: holds });
    await room.beam.resume();
    since = room.clock.nowMs();
  }
}

/** Runs `body`; if it throws, terminates the beam and stops the leaves first (each attempted whatever the other does). */
export async function withSafeStop<T>(room: MlcCheckRoom, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    await Promise.allSettled([room.beam.terminate(), room.mlc.stop()]);
    throw e;
  }
}

/** Consecutive unanswered read-only samples a check rides over before it gives up. */
export const MAX_MISSED_SAMPLES = 5;

/**
 * A read-only sample (readback, status) that may go unanswered now and then (a busy link, a lost
 * frame): undefined for a request timeout, the error itself after MAX_MISSED_SAMPLES in a row.
 */
export async function sample<T>(read: () => Promise<T>, missed: { count: number }): Promise<T | undefined> {
  try {
    const v = await read();
    missed.count = 0;
    return v;
  } catch (e) {
    if (!(e instanceof BridgeError) || e.code !== 'REQUEST_TIMEOUT' || ++missed.count > MAX_MISSED_SAMPLES) throw e;
    return undefined;
  }
}

/** Every leaf pair at the same pair of positions (A, B), mm. */
export function uniform(pairs: number, aMm: number, bMm: number): MlcPositions {
  return { bankAMm: new Array<number>(pairs).fill(aMm), bankBMm: new Array<number>(pairs).fill(bMm) };
}

/** "A17": bank and 1-based leaf number (leaf 1 = pair 0, the most negative Y_b; docs/qa-mlc.md). */
export const leafId = (bank: 'A' | 'B', pairIndex: number): string => `${bank}${pairIndex + 1}`;
