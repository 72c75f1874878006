import { describe, expect, it } from 'vitest';
import { ZERO_POSE, type Pose6 } from '../../src/core/pose.js';
import { BeamCmd, BeamState, encodeArm, encodeMu } from '../../src/protocol/beam-protocol.js';
import { COUCH_REGISTER_COUNT, CouchCommand, CouchReg, decodePose, decodeStatusRegisters, encodePose } from '../../src/protocol/couch-register-map.js';
import { BeamDevice, defaultBeamSimOptions } from '../../simulators/beam-device.js';
import { CouchDevice } from '../../simulators/couch-device.js';
import { simOptions } from '../helpers/sim-fixtures.js';

const frame = (cmd: number, payload: Buffer = Buffer.alloc(0)) => ({ seq: 1, cmd, payload });
const quiet = () => new CouchDevice({ ...simOptions.couch, noise: { translationMm: 0, rotationDeg: 0 } });

/** Commands a move over the registers (keeping the watchdog alive) and runs it to the end. */
function moveTo(d: CouchDevice, target: Pose6): { readback: Pose6; inPosition: boolean } {
  d.write(CouchReg.watchdog, [1]);
  d.write(CouchReg.targetPose, encodePose(target));
  d.write(CouchReg.command, [CouchCommand.Move]);
  for (let i = 0; i < 2000 && d.moving; i++) {
    d.write(CouchReg.watchdog, [i & 1]);
    d.advance(10, 10);
  }
  const regs = Uint16Array.from(d.read(0, COUCH_REGISTER_COUNT)!);
  return { readback: decodePose(regs, CouchReg.actualPose), inPosition: decodeStatusRegisters(regs).inPosition };
}

describe('simulator faults for machine QA', () => {
  it('a couch axis with a calibration offset stops that far from its target, reports in position, and its encoder shows where it is', () => {
    const d = quiet();
    d.faults.offset.pitchDeg = 0.3;
    const r = moveTo(d, { ...ZERO_POSE, pitchDeg: 1.5, lateralMm: 10 });
    expect(r.inPosition).toBe(true);
    expect(r.readback.pitchDeg).toBeCloseTo(1.8, 2);
    expect(r.readback.lateralMm).toBeCloseTo(10, 2);
  });

  it('a couch axis with backlash stops short only when driven in the negative direction', () => {
    const d = quiet();
    d.faults.backlash.lateralMm = 0.6;
    expect(moveTo(d, { ...ZERO_POSE, lateralMm: 20 }).readback.lateralMm).toBeCloseTo(20, 2);
    expect(moveTo(d, { ...ZERO_POSE, lateralMm: 0 }).readback.lateralMm).toBeCloseTo(0.6, 2);
    expect(moveTo(d, { ...ZERO_POSE, lateralMm: -20 }).readback.lateralMm).toBeCloseTo(-19.4, 2);
    expect(moveTo(d, { ...ZERO_POSE, lateralMm: 0 }).readback.lateralMm).toBeCloseTo(0, 2);
  });

  it('an axis whose commanded value does not change does not move, even with a fault', () => {
    const d = quiet();
    d.faults.backlash.verticalMm = 0.5;
    moveTo(d, { ...ZERO_POSE, verticalMm: -10 });
    expect(moveTo(d, { ...ZERO_POSE, verticalMm: -10, lateralMm: 5 }).readback.verticalMm).toBeCloseTo(-9.5, 2);
  });

  function armed(b: BeamDevice): void {
    b.handle(frame(BeamCmd.Arm, encodeArm({ beamId: 1, presetMu: 100, doseRateMuPerMin: 600 })));
    b.handle(frame(BeamCmd.SetSegmentEnd, encodeMu(100)));
  }

  it('a door switch stuck closed reports the door closed, to the bridge and to the linac itself', () => {
    const b = new BeamDevice({ ...defaultBeamSimOptions, watchdogMs: 1e9 });
    b.sensors.doorSwitch = 'stuck-closed';
    armed(b);
    b.room.doorClosed = false;
    expect(b.status.doorClosed).toBe(true);
    b.handle(frame(BeamCmd.BeamOn));
    b.advance(10, 10);
    expect(b.status.state).toBe(BeamState.BeamOn);
  });

  it('an emergency stop stuck released never reports pressed', () => {
    const b = new BeamDevice({ ...defaultBeamSimOptions, watchdogMs: 1e9 });
    b.sensors.estopSwitch = 'stuck-released';
    b.room.emergencyStop = true;
    expect(b.status.emergencyStop).toBe(false);
  });

  it('a channel-2 gain error of 5 % makes channel 2 read 5 % more', () => {
    const b = new BeamDevice({ ...defaultBeamSimOptions, watchdogMs: 1e9 });
    b.sensors.channel2GainError = 0.05;
    armed(b);
    b.handle(frame(BeamCmd.BeamOn));
    for (let i = 0; i < 100; i++) b.advance(10, 10);
    expect(b.status.mu2 / b.status.mu1).toBeCloseTo(1.05, 6);
  });
});
