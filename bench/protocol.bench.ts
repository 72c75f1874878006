/** Frame codec and permit evaluation rates, with JSON round trips as the in-run baseline. */
import { evaluatePermit } from '../src/interlock/evaluate-permit.js';
import { FrameDecoder, encodeFrame } from '../src/protocol/frame-codec.js';
import { encodePositions } from '../src/protocol/mlc-protocol.js';
import { SessionHarness, SETUP_TARGET } from '../test/helpers/session-harness.js';
import { BeamState } from '../src/protocol/beam-protocol.js';
import { fmt, time } from './timing.js';

export function benchProtocol(): Record<string, unknown>[] {
  const positions = { bankAMm: new Array(60).fill(12.5), bankBMm: new Array(60).fill(-12.5) };
  const payload = encodePositions(positions);
  const decoder = new FrameDecoder();
  const codec = time(() => decoder.push(encodeFrame({ seq: 1, cmd: 0x85, payload })), { maxCalls: 200_000, maxMs: 1500 });
  const json = time(() => JSON.parse(JSON.stringify(positions)), { maxCalls: 200_000, maxMs: 1500 });

  const h = new SessionHarness();
  h.room.mlc = positions;
  h.room.couch = { ...SETUP_TARGET };
  Object.assign(h.room.beam, { state: BeamState.Armed, beamId: 1, presetMu: 60, segmentEndMu: 18 });
  const input = {
    planLoaded: true, setupVerified: true, approvedCouchTarget: SETUP_TARGET, expectedLeaves: positions, selectedBeamId: 1, expectedSegmentEndMu: 18,
    latchedFaults: [], evidence: h.evidence(), tolerances: { mlcPositionMm: 1, couchTranslationMm: 0.5, couchRotationDeg: 0.2, muChannelDisagreement: { fraction: 0.02, floorMu: 0.1 }, evidenceMaxAgeMs: 300, muOverrunMu: 1, backupTimerFactor: 1.1, backupTimerMarginMs: 2000 },
  };
  const permit = time(() => evaluatePermit(input, h.t), { maxCalls: 200_000, maxMs: 1500 });
  return [
    { case: 'MLC positions frame encode+decode (60 pairs)', usPerCall: fmt(codec.msPerCall * 1000), baselineJsonRoundTripUs: fmt(json.msPerCall * 1000), ratioToBaseline: fmt(codec.msPerCall / json.msPerCall, 3) },
    { case: 'evaluatePermit (15 interlocks, 60 pairs)', usPerCall: fmt(permit.msPerCall * 1000), baselineJsonRoundTripUs: fmt(json.msPerCall * 1000), ratioToBaseline: fmt(permit.msPerCall / json.msPerCall, 3) },
  ];
}
