import { describe, expect, it } from 'vitest';
import { BeamCmd, BeamState, encodeArm, encodeMu } from '../../src/protocol/beam-protocol.js';
import { FrameDecoder, NakReason, encodeFrame, type Frame } from '../../src/protocol/frame-codec.js';
import { MlcCmd, encodeHeartbeat } from '../../src/protocol/mlc-protocol.js';
import { BeamDevice, defaultBeamSimOptions } from '../../simulators/beam-device.js';
import { FramedDeviceHost } from '../../simulators/framed-device-host.js';
import { MlcDevice } from '../../simulators/mlc-device.js';
import { byteWire } from '../helpers/byte-wire.js';
import { simOptions } from '../helpers/sim-fixtures.js';

const frame = (cmd: number, payload: Buffer = Buffer.alloc(0)): Frame => ({ seq: 1, cmd, payload });

describe('framed simulators check request payload lengths (NAK 2, never a status reply)', () => {
  it('the MLC controller NAKs a HEARTBEAT whose counter is short and answers a whole one with its status', () => {
    const mlc = new MlcDevice(simOptions.mlc);
    expect(mlc.handle(frame(MlcCmd.Heartbeat, Buffer.from([1, 0])))).toEqual({ nak: NakReason.BadPayload });
    expect(mlc.handle(frame(MlcCmd.Heartbeat))).toEqual({ nak: NakReason.BadPayload });
    expect(mlc.handle(frame(MlcCmd.Heartbeat, Buffer.alloc(5)))).toEqual({ nak: NakReason.BadPayload });
    expect(mlc.handle(frame(MlcCmd.Heartbeat, encodeHeartbeat(300)))).toHaveProperty('payload');
    expect(mlc.handle(frame(MlcCmd.Status, Buffer.from([0])))).toEqual({ nak: NakReason.BadPayload });
  });

  it('puts the NAK on the wire exactly as the annotated vector (seq 258, NAK 07 02)', () => {
    const host = new FramedDeviceHost(new MlcDevice(simOptions.mlc));
    const { send, written } = byteWire(host.host);
    // MLC HEARTBEAT, seq 258, a 2-byte counter instead of 4
    send(encodeFrame({ seq: 258, cmd: MlcCmd.Heartbeat, payload: Buffer.from([0x2c, 0x01]) }));
    // a5 5a | 07 00 | 02 01 00 00 | 7f (NAK) | 07 02 (HEARTBEAT, bad payload) | 76 c1 (frame_vectors.txt)
    expect(Buffer.concat(written).toString('hex')).toBe('a55a0700020100007f070276c1');
  });

  it('the linac NAKs a HEARTBEAT that carries a payload, and such a heartbeat does not feed its watchdog', () => {
    const beam = new BeamDevice({ ...defaultBeamSimOptions, watchdogMs: 300 });
    beam.handle(frame(BeamCmd.Arm, encodeArm({ beamId: 1, presetMu: 100, doseRateMuPerMin: 600 })));
    beam.handle(frame(BeamCmd.SetSegmentEnd, encodeMu(100)));
    beam.handle(frame(BeamCmd.BeamOn));
    for (let t = 0; t < 400; t += 50) {
      expect(beam.handle(frame(BeamCmd.Heartbeat, Buffer.from([0])))).toEqual({ nak: NakReason.BadPayload });
      beam.advance(50, 50);
    }
    expect(beam.status).toMatchObject({ state: BeamState.Held, watchdogHold: true });
  });

  it('the linac NAKs ARM and SET_SEGMENT_END of the wrong length', () => {
    const beam = new BeamDevice(defaultBeamSimOptions);
    expect(beam.handle(frame(BeamCmd.Arm, Buffer.alloc(7)))).toEqual({ nak: NakReason.BadPayload });
    expect(beam.handle(frame(BeamCmd.SetSegmentEnd, Buffer.alloc(3)))).toEqual({ nak: NakReason.BadPayload });
  });

  it('answers every request after 4 noise bytes (a5 5a ff 03) from the bridge', () => {
    const host = new FramedDeviceHost(new MlcDevice(simOptions.mlc));
    const { send, written } = byteWire(host.host);
    send(Buffer.from('a55aff03', 'hex')); // a false header claiming 1023 bytes: v1 lost the next 129 requests
    for (let seq = 1; seq <= 20; seq++) send(encodeFrame({ seq, cmd: MlcCmd.Heartbeat, payload: encodeHeartbeat(seq) }));
    const replies = new FrameDecoder().push(Buffer.concat(written)).flatMap((r) => (r.ok ? [r.frame.seq] : []));
    expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(host.stats.framesRejected).toBe(1);
  });

  it('the wire reply to a good MLC HEARTBEAT is a status reply with the request sequence number', () => {
    const host = new FramedDeviceHost(new MlcDevice(simOptions.mlc));
    const { send, written } = byteWire(host.host);
    send(encodeFrame({ seq: 0x01020304, cmd: MlcCmd.Heartbeat, payload: encodeHeartbeat(300) }));
    const [r] = new FrameDecoder().push(Buffer.concat(written));
    expect(r).toMatchObject({ ok: true, frame: { seq: 0x01020304, cmd: MlcCmd.Heartbeat | 0x80 } });
  });
});
