import { describe, expect, it } from 'vitest';
import { BEAM_DEVICE_TYPE, BeamState, TerminationReason, decodeArm, decodeBeamIdentity, decodeBeamStatus, encodeArm, encodeBeamIdentity, encodeBeamStatus } from '../../src/protocol/beam-protocol.js';
import { CouchReg, decodePose, encodePose } from '../../src/protocol/couch-register-map.js';
import { decodePositions, decodeStatus, decodeTrajectoryChunk, encodePositions, encodeStatus, encodeTrajectoryChunk, positionsAt } from '../../src/protocol/mlc-protocol.js';
import { ModbusFn, decodeRequestPdu, encodeMbap, splitMbap } from '../../src/protocol/modbus-codec.js';

describe('MLC messages', () => {
  it('encodes positions as pairs, then int16 0.01 mm, bank A before bank B (docs/protocols/mlc.md)', () => {
    // 2 pairs: A = [12.34, -0.5] mm, B = [-12.34, -100] mm
    //   02 | d2 04 (1234) | ce ff (-50) | 2e fb (-1234) | f0 d8 (-10000)
    const bytes = encodePositions({ bankAMm: [12.34, -0.5], bankBMm: [-12.34, -100] });
    expect(bytes.toString('hex')).toBe('02d204ceff2efbf0d8');
    expect(decodePositions(bytes)).toEqual({ bankAMm: [12.34, -0.5], bankBMm: [-12.34, -100] });
  });

  it('carries the trajectory-mode and hold-off bits (bits 4 and 5)', () => {
    const s = { moving: true, inPosition: false, fault: false, targetsLoaded: true, trajectoryMode: true, holdOff: true, faultCode: 0, maxErrorMm: 0, tick: 1 };
    expect(encodeStatus(s).readUInt16LE(0)).toBe(0b111001);
    expect(decodeStatus(encodeStatus(s))).toEqual(s);
  });

  it('round-trips a trajectory chunk: weights in millionths and positions', () => {
    const points = [
      { metersetWeight: 0, positions: { bankAMm: [1, 2], bankBMm: [-1, -2] } },
      { metersetWeight: 0.5, positions: { bankAMm: [3.5, 4], bankBMm: [2, -0.5] } },
    ];
    expect(decodeTrajectoryChunk(encodeTrajectoryChunk(4, 10, points))).toEqual({ start: 4, total: 10, points });
    expect(positionsAt(points, 0.25)).toEqual({ bankAMm: [2.25, 3], bankBMm: [0.5, -1.25] });
  });

  it('rejects a positions payload whose length does not match its leaf count', () => {
    expect(decodePositions(Buffer.from('02d204', 'hex'))).toBeUndefined();
  });

  it('refuses to encode a position that does not fit int16 of 0.01 mm', () => {
    expect(() => encodePositions({ bankAMm: [400], bankBMm: [0] })).toThrow(RangeError);
    expect(() => encodePositions({ bankAMm: [Number.NaN], bankBMm: [0] })).toThrow(RangeError);
  });

  it('round-trips the status word bits and error', () => {
    const s = { moving: true, inPosition: false, fault: true, targetsLoaded: true, trajectoryMode: false, holdOff: false, faultCode: 3, maxErrorMm: 1.25, tick: 70000 };
    expect(encodeStatus(s).toString('hex')).toBe('0d00037d0070110100');
    expect(decodeStatus(encodeStatus(s))).toEqual(s);
  });
});

describe('beam messages', () => {
  it('encodes the IDENTIFY reply as three length-prefixed ASCII strings: device type, model, firmware (docs/protocols/beam.md)', () => {
    // 14 "linac-beam-interface" | 03 "SIM" | 03 "1.0"
    const hex = '14' + Buffer.from('linac-beam-interface').toString('hex') + '03' + '53494d' + '03' + '312e30';
    expect(encodeBeamIdentity({ deviceType: BEAM_DEVICE_TYPE, model: 'SIM', firmware: '1.0' }).toString('hex')).toBe(hex);
    expect(decodeBeamIdentity(Buffer.from(hex, 'hex'))).toEqual({ deviceType: 'linac-beam-interface', model: 'SIM', firmware: '1.0' });
  });

  it('rejects an IDENTIFY reply that is short, long or plain text', () => {
    expect(decodeBeamIdentity(Buffer.from('0341424302', 'hex'))).toBeUndefined(); // second string cut off
    expect(decodeBeamIdentity(Buffer.from('01410142014300', 'hex'))).toBeUndefined(); // a byte after the third string
    expect(decodeBeamIdentity(Buffer.from('SIM-LINAC beam-if 1.0', 'ascii'))).toBeUndefined(); // the reply before this format
    expect(decodeBeamIdentity(Buffer.alloc(0))).toBeUndefined();
  });

  it('encodes ARM as beam id, preset in milli-MU and dose rate', () => {
    // beam 2, 60.5 MU = 60500 = 0x0000ec54, 600 MU/min = 0x0258
    expect(encodeArm({ beamId: 2, presetMu: 60.5, doseRateMuPerMin: 600 }).toString('hex')).toBe('020054ec00005802');
    expect(decodeArm(Buffer.from('020054ec00005802', 'hex'))).toEqual({ beamId: 2, presetMu: 60.5, doseRateMuPerMin: 600 });
  });

  it('round-trips a status with both MU channels and the door flag', () => {
    const s = { state: BeamState.BeamOn, beamId: 1, mu1: 12.345, mu2: 12.347, presetMu: 60, segmentEndMu: 18, doseRateMuPerMin: 600, doorClosed: true, emergencyStop: false, watchdogHold: false, termination: TerminationReason.None, tick: 9 };
    expect(decodeBeamStatus(encodeBeamStatus(s))).toEqual(s);
  });

  it('rejects a status with an unknown beam state', () => {
    const b = encodeBeamStatus({ state: BeamState.Idle, beamId: 0, mu1: 0, mu2: 0, presetMu: 0, segmentEndMu: 0, doseRateMuPerMin: 0, doorClosed: false, emergencyStop: false, watchdogHold: false, termination: 0, tick: 0 });
    b[0] = 42;
    expect(decodeBeamStatus(b)).toBeUndefined();
  });
});

describe('couch register map', () => {
  it('stores each axis as int32 high word first: µm and millidegrees', () => {
    // lateral -1.5 mm = -1500 µm = 0xfffffa24 -> [0xffff, 0xfa24]; pitch 0.25° = 250 mdeg -> [0, 250]
    const regs = encodePose({ lateralMm: -1.5, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0.25, rollDeg: 0, yawDeg: 0 });
    expect(regs.slice(0, 2)).toEqual([0xffff, 0xfa24]);
    expect(regs.slice(6, 8)).toEqual([0, 250]);
    expect(decodePose(regs)).toEqual({ lateralMm: -1.5, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0.25, rollDeg: 0, yawDeg: 0 });
  });

  it('places the target pose after the actual pose', () => {
    expect(CouchReg.targetPose - CouchReg.actualPose).toBe(12);
  });

  it('refuses a pose value that is not finite', () => {
    expect(() => encodePose({ lateralMm: Number.POSITIVE_INFINITY, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 })).toThrow(RangeError);
  });
});

describe('Modbus codec (simulator side)', () => {
  it('splits a read-holding-registers request from its MBAP header', () => {
    // txn 0x0001, proto 0, len 6, unit 1 | fn 03, addr 0000, count 001e
    const req = Buffer.from('000100000006010300000' + '01e', 'hex');
    const { frames, rest } = splitMbap(req);
    expect(rest.length).toBe(0);
    expect(frames[0]).toMatchObject({ transactionId: 1, unitId: 1 });
    expect(decodeRequestPdu(frames[0].pdu)).toEqual({ ok: true, request: { fn: ModbusFn.ReadHoldingRegisters, address: 0, count: 30 } });
  });

  it('answers an unknown function with ILLEGAL FUNCTION', () => {
    expect(decodeRequestPdu(Buffer.from([0x2b, 0, 0]))).toEqual({ ok: false, exception: 1, fn: 0x2b });
  });

  it('counts a header with a non-zero protocol id as malformed', () => {
    expect(splitMbap(Buffer.from('0001000500060103000000 1e'.replace(/ /g, ''), 'hex')).malformed).toBe(1);
  });

  it('encodes the MBAP length as unit id + PDU', () => {
    expect(encodeMbap({ transactionId: 0x1234, unitId: 1, pdu: Buffer.from([3, 2, 0, 5]) }).toString('hex')).toBe('12340000000501' + '03020005');
  });
});
