/**
 * Drivers without wires: snapshots and link health the test publishes itself,
 * commands that succeed and are recorded. For BridgeSession tests on a
 * ManualClock (nothing real-time).
 */
import { BehaviorSubject, Subject } from 'rxjs';
import type { RoomDrivers } from '../../src/bridge/evidence-feed.js';
import type { Clock } from '../../src/core/clock.js';
import { ZERO_POSE, type Pose6 } from '../../src/core/pose.js';
import type { LinkHealth } from '../../src/drivers/link-health.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { CouchFault } from '../../src/protocol/couch-register-map.js';

class FakeDriver<S extends { atMs: number }> {
  readonly snapshots = new BehaviorSubject<S | undefined>(undefined);
  readonly health = new BehaviorSubject<LinkHealth>({ fresh: true, lastValidRxMs: 0 });
  readonly events$ = new Subject<unknown>();
  readonly counters = { framesRejected: 0, timeouts: 0, naks: 0, unexpected: 0 };
  get snapshot$() {
    return this.snapshots;
  }
  get health$() {
    return this.health;
  }
  get latest(): S | undefined {
    return this.snapshots.value;
  }
  isFresh(): boolean {
    return this.health.value.fresh;
  }
  publish(s: S): void {
    this.snapshots.next(s);
  }
}

export class FakeRoom {
  readonly calls: string[] = [];
  readonly couch = Object.assign(new FakeDriver<{ actual: Pose6; target: Pose6; status: ReturnType<typeof couchStatus>; atMs: number }>(), {
    moveTo: async (_t: Pose6) => void this.calls.push('couch.moveTo'),
    stop: async () => void this.calls.push('couch.stop'),
  });
  readonly mlc = Object.assign(new FakeDriver<never>(), {
    setTargets: async () => void this.calls.push('mlc.setTargets'),
    move: async () => void this.calls.push('mlc.move'),
    stop: async () => void this.calls.push('mlc.stop'),
  });
  readonly beam = Object.assign(new FakeDriver<never>(), {
    status: async () => ({ state: BeamState.Idle, beamId: 0, presetMu: 0, doseRateMuPerMin: 0 }),
    arm: async (a: { beamId: number; presetMu: number; doseRateMuPerMin: number }) => (this.calls.push('beam.arm'), { state: BeamState.Armed, ...a }),
    reset: async () => void this.calls.push('beam.reset'),
    setSegmentEnd: async () => void this.calls.push('beam.setSegmentEnd'),
    beamOn: async () => void this.calls.push('beam.beamOn'),
    hold: async () => void this.calls.push('beam.hold'),
    terminate: async () => void this.calls.push('beam.terminate'),
  });

  constructor(private readonly clock: Clock) {}

  get drivers(): RoomDrivers {
    return { mlc: this.mlc, couch: this.couch, beam: this.beam } as unknown as RoomDrivers;
  }

  /** A couch readback, stamped now. */
  couchAt(actual: Pose6 = ZERO_POSE, moving = false): void {
    this.couch.publish({ actual, target: actual, status: couchStatus(moving), atMs: this.clock.nowMs() });
  }
}

function couchStatus(moving: boolean) {
  return { moving, inPosition: !moving, fault: false, targetValid: true, enabled: true, watchdogExpired: false, faultCode: CouchFault.None, moveId: 0, deviceTick: 0 };
}
