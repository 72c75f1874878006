import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DeliveryLogger, planJaws } from '../../src/bridge/delivery-logger.js';
import { ManualClock } from '../../src/core/clock.js';
import { ZERO_POSE } from '../../src/core/pose.js';
import type { SessionCommand } from '../../src/interlock/session-types.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { TlogAxis, axisOffsets, type TrajectoryLog } from '../../src/protocol/logs/trajectory-log.js';
import { FakeRoom } from '../helpers/fake-room.js';
import { config, examplePlan } from '../helpers/session-harness.js';

const P = config.mlc.leafPairs;
const leaves = (a: number, b: number) => ({ bankAMm: new Array<number>(P).fill(a), bankBMm: new Array<number>(P).fill(b) });
const column = (log: TrajectoryLog, axis: number, sample = 0, actual = true): number[] => {
  const o = axisOffsets(log.axes).get(axis)!;
  const stride = log.data.length / log.snapshots;
  return Array.from({ length: log.snapshots }, (_, s) => log.data[s * stride + (o.offset + sample) * 2 + (actual ? 1 : 0)]);
};

function setup() {
  const clock = new ManualClock();
  const room = new FakeRoom(clock);
  const commands$ = new Subject<{ command: SessionCommand; error?: unknown }>();
  const logger = new DeliveryLogger(room.drivers, commands$, examplePlan, config, clock);
  const mlcAt = (a: number, b: number) => (room.mlc.publish as (s: unknown) => void)({ positions: leaves(a, b), status: {}, atMs: clock.nowMs() });
  const beamAt = (beamId: number, mu1: number, state: BeamState) => (room.beam.publish as (s: unknown) => void)({ status: { beamId, mu1, mu2: mu1, state }, atMs: clock.nowMs() });
  const moveMlc = (beamId: number, segment: number, a: number, b: number) => commands$.next({ command: { type: 'command', command: 'MOVE_MLC', beamId, segment, leaves: leaves(a, b) } });
  return { clock, room, logger, mlcAt, beamAt, moveMlc };
}

describe('delivery logger', () => {
  it('samples every 20 ms from the first MOVE_MLC: expected = commanded leaves, actual = readback, MU and beam hold from the linac', () => {
    const { clock, room, logger, mlcAt, beamAt, moveMlc } = setup();
    room.couchAt(ZERO_POSE);
    logger.start();
    mlcAt(5, -5);
    clock.advance(100); // nothing commanded yet: nothing logged
    moveMlc(1, 0, 20, -10);
    clock.advance(40); // leaves still moving, beam off
    mlcAt(20, -10);
    beamAt(1, 0, BeamState.Armed);
    clock.advance(20);
    beamAt(1, 3.5, BeamState.BeamOn);
    clock.advance(20);
    logger.stop();
    const [b1] = logger.logs(1);
    expect(b1.beamId).toBe(1);
    expect(b1.log.snapshots).toBe(5); // 4 ticks + the one at stop
    expect(column(b1.log, TlogAxis.mlc, 2, false)).toEqual([2, 2, 2, 2, 2]); // bank A leaf 1 expected, cm
    expect(column(b1.log, TlogAxis.mlc, 2)).toEqual([0.5, 0.5, 2, 2, 2]);
    expect(column(b1.log, TlogAxis.mlc, 2 + P)).toEqual([0.5, 0.5, 1, 1, 1]); // bank B as distance from the axis
    expect(column(b1.log, TlogAxis.mu).map((v) => Math.round(v * 10) / 10)).toEqual([0, 0, 0, 3.5, 3.5]);
    expect(column(b1.log, TlogAxis.beamHold)).toEqual([2, 2, 2, 0, 0]);
    const jaws = planJaws(examplePlan.beams[0], config);
    expect(column(b1.log, TlogAxis.x1)[0]).toBeCloseTo(jaws.x1Mm / 10, 5);
    expect(b1.summary.beamOnSnapshots).toBe(2);
  });

  it("keeps a beam's MU when the linac already reports the next beam, and writes one log per beam", () => {
    const { clock, logger, mlcAt, beamAt, moveMlc } = setup();
    logger.start();
    mlcAt(10, -10);
    moveMlc(1, 0, 10, -10);
    beamAt(1, 60, BeamState.Complete);
    clock.advance(20);
    beamAt(2, 0, BeamState.Armed); // armed before its first MOVE_MLC arrives
    clock.advance(20);
    moveMlc(2, 0, 10, -10);
    clock.advance(20);
    logger.stop();
    const [b1, b2] = logger.logs(1);
    expect(column(b1.log, TlogAxis.mu)).toEqual([60, 60, 60]);
    expect(b1.summary.deliveredMu).toBe(60);
    expect(b2.beamId).toBe(2);
  });
});
