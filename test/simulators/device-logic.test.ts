import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/protocol/frame-codec.js';
import { BeamCmd, BeamState, TerminationReason, decodeBeamStatus, encodeArm, encodeBeamStatus, encodeMu } from '../../src/protocol/beam-protocol.js';
import { CouchCommand, CouchReg, encodePose } from '../../src/protocol/couch-register-map.js';
import { MlcCmd, encodePositions } from '../../src/protocol/mlc-protocol.js';
import { BeamDevice, defaultBeamSimOptions } from '../../simulators/beam-device.js';
import { CouchDevice } from '../../simulators/couch-device.js';
import { MlcDevice } from '../../simulators/mlc-device.js';
import { simOptions } from '../helpers/sim-fixtures.js';

const frame = (cmd: number, payload: Buffer = Buffer.alloc(0)) => ({ seq: 1, cmd, payload });
const step = (d: { advance(dt: number, wall: number): void }, ms: number, dt = 10) => {
  for (let t = 0; t < ms; t += dt) d.advance(dt, dt);
};

describe('linac simulator', () => {
  it('accrues MU at the dose rate: 600 MU/min for 1 s is 10 MU', () => {
    const b = new BeamDevice({ ...defaultBeamSimOptions, watchdogMs: 1e9 });
    b.handle(frame(BeamCmd.Arm, encodeArm({ beamId: 1, presetMu: 100, doseRateMuPerMin: 600 })));
    b.handle(frame(BeamCmd.SetSegmentEnd, encodeMu(100)));
    b.handle(frame(BeamCmd.BeamOn));
    step(b, 1000);
    expect(b.status.mu1).toBeCloseTo(10, 6);
  });

  it('terminates on the secondary channel when the primary channel stops counting', () => {
    const b = new BeamDevice({ ...defaultBeamSimOptions, watchdogMs: 1e9 });
    b.handle(frame(BeamCmd.Arm, encodeArm({ beamId: 1, presetMu: 10, doseRateMuPerMin: 600 })));
    b.handle(frame(BeamCmd.SetSegmentEnd, encodeMu(10)));
    b.handle(frame(BeamCmd.BeamOn));
    b.room.primaryChannelStuck = true;
    step(b, 3000);
    expect(b.status.state).toBe(BeamState.Terminated);
    expect(b.status.termination).toBe(TerminationReason.SecondaryChannel);
    expect(b.status.mu2).toBeGreaterThanOrEqual(11);
    expect(b.status.mu2).toBeLessThan(11.2);
  });

  it('reports a segment done when its reported count reaches the end, never the beam on at the end count', () => {
    const b = new BeamDevice({ ...defaultBeamSimOptions, watchdogMs: 1e9 });
    b.handle(frame(BeamCmd.Arm, encodeArm({ beamId: 1, presetMu: 10, doseRateMuPerMin: 600 })));
    b.handle(frame(BeamCmd.SetSegmentEnd, encodeMu(5)));
    b.handle(frame(BeamCmd.BeamOn));
    b.advance(499.97, 499.97); // 600 MU/min: 4.9997 MU, which the 0.001 MU counter reports as 5.000
    const seen = decodeBeamStatus(encodeBeamStatus(b.status))!;
    expect(seen.mu1).toBe(5);
    expect(seen.state).toBe(BeamState.SegmentDone);
  });

  it('interrupts (holds) when the door opens, and does not restart by itself', () => {
    const b = new BeamDevice({ ...defaultBeamSimOptions, watchdogMs: 1e9 });
    b.handle(frame(BeamCmd.Arm, encodeArm({ beamId: 1, presetMu: 10, doseRateMuPerMin: 600 })));
    b.handle(frame(BeamCmd.SetSegmentEnd, encodeMu(10)));
    b.handle(frame(BeamCmd.BeamOn));
    step(b, 100);
    b.room.doorClosed = false;
    step(b, 20);
    b.room.doorClosed = true;
    const mu = b.status.mu1;
    step(b, 500);
    expect(b.status.state).toBe(BeamState.Held);
    expect(b.status.mu1).toBe(mu);
  });
});

describe('MLC simulator', () => {
  it('moves leaves no faster than the model speed (25 mm/s)', () => {
    const m = new MlcDevice(simOptions.mlc);
    m.handle(frame(MlcCmd.SetTargets, encodePositions({ bankAMm: new Array(60).fill(50), bankBMm: new Array(60).fill(-50) })));
    m.handle(frame(MlcCmd.Move));
    step(m, 1000);
    expect(m.positions.bankAMm[0]).toBeCloseTo(0.25 + 25, 6);
  });

  it('reports a fault when a stuck leaf cannot reach its target', () => {
    const m = new MlcDevice(simOptions.mlc);
    m.faults.stuckLeavesA.add(7);
    m.handle(frame(MlcCmd.SetTargets, encodePositions({ bankAMm: new Array(60).fill(5), bankBMm: new Array(60).fill(-5) })));
    m.handle(frame(MlcCmd.Move));
    step(m, 2000);
    const status = m.handle(frame(MlcCmd.Status));
    expect('payload' in status && status.payload[0] & 0b100).toBeTruthy();
  });

  it('refuses targets that would interdigitate on a model that forbids it', () => {
    const m = new MlcDevice({ ...simOptions.mlc, interdigitation: false });
    const a = new Array(60).fill(10);
    const b = new Array(60).fill(-10);
    b[5] = 15; // would pass under neighbour A leaves at 10 mm... and its own A leaf
    a[5] = 20;
    const reply = m.handle(frame(MlcCmd.SetTargets, encodePositions({ bankAMm: a, bankBMm: b })));
    expect('nak' in reply).toBe(true);
  });
});

describe('couch simulator', () => {
  it('moves all axes on one trapezoidal profile: together, on a straight line, arriving at the same time', () => {
    // 20 mm/s and 40 mm/s² per translation axis; move lateral 20 mm and longitudinal 10 mm.
    // One profile for s: v = min(20/20, 20/10) = 1 /s, a = min(40/20, 40/10) = 2 /s².
    // Accelerate 0.5 s (s = 0.25), cruise 0.5 s (s = 0.75), decelerate 0.5 s: 1.5 s in all.
    // At t = 0.75 s, s = 0.25 + 1 × 0.25 = 0.5: lateral 10 mm, longitudinal 5 mm.
    const c = new CouchDevice({ ...simOptions.couch, translationMmPerS: 20, translationMmPerS2: 40, noise: { translationMm: 0, rotationDeg: 0 }, watchdogMs: 1e9 });
    c.write(CouchReg.watchdog, [1]);
    c.write(CouchReg.targetPose, encodePose({ lateralMm: 20, longitudinalMm: 10, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 }));
    c.write(CouchReg.command, [CouchCommand.Move]);
    step(c, 250, 5);
    expect(c.pose.lateralMm / c.pose.longitudinalMm).toBeCloseTo(2, 9); // straight line
    step(c, 500, 5);
    expect(c.pose.lateralMm).toBeCloseTo(10, 6);
    expect(c.pose.longitudinalMm).toBeCloseTo(5, 6);
    step(c, 745, 5);
    expect(c.moving).toBe(true);
    step(c, 10, 5);
    expect(c.moving).toBe(false);
    expect(c.pose).toMatchObject({ lateralMm: 20, longitudinalMm: 10 });
  });

  it('refuses writes to the read-only actual pose and status registers', () => {
    const c = new CouchDevice(simOptions.couch);
    expect(c.write(CouchReg.actualPose, [1])).toBe(false);
    expect(c.write(CouchReg.status, [0])).toBe(false);
  });

  it('ignores a move command while its watchdog has never been fed', () => {
    const c = new CouchDevice(simOptions.couch);
    c.write(CouchReg.targetPose, encodePose({ lateralMm: 5, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 }));
    c.write(CouchReg.command, [CouchCommand.Move]);
    step(c, 500);
    expect(c.pose.lateralMm).toBe(0);
  });
});

describe('framing as the simulators serve it', () => {
  it('hand the driver exactly the frames the codec encodes', () => {
    // a5 5a | len 06 00 (seq 4 + cmd 1 + payload 1) | seq 09 00 00 00 | cmd 97 (HEARTBEAT reply)
    expect(encodeFrame({ seq: 9, cmd: 0x97, payload: Buffer.from([1]) }).subarray(0, 9).toString('hex')).toBe('a55a06000900000097');
  });
});

describe('couch simulator: injected known errors', () => {
  it('shows uncompensated load sag in the readback, growing with longitudinal extension', () => {
    const c = new CouchDevice({ ...simOptions.couch, noise: { translationMm: 0, rotationDeg: 0 }, watchdogMs: 1e9 });
    c.faults.sagMmPerMetre = 5;
    c.write(CouchReg.watchdog, [1]);
    c.write(CouchReg.targetPose, encodePose({ lateralMm: 0, longitudinalMm: 40, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 }));
    c.write(CouchReg.command, [CouchCommand.Move]);
    step(c, 10_000);
    // 5 mm per metre × 40 mm = 0.2 mm lower than the true pose
    const regs = c.read(CouchReg.actualPose, 12)!;
    const vertical = ((regs[4] << 16) | regs[5]) >> 0;
    expect(vertical / 1000).toBeCloseTo(-0.2, 6);
    expect(c.pose.verticalMm).toBe(0);
  });
});
