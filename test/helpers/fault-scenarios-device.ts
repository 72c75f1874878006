/**
 * Device faults injected through the simulators' own hooks mid-beam: a stuck
 * leaf, disagreeing dose channels, an MU overrun, the e-stop, the door, an
 * unexpected beam-on. Each states its deadline from the config.
 */
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { examplePlan } from './session-harness.js';
import { beamPeriodMs, midBeam, msForMu, VENDOR_HOLD_MS } from './fault-mid-beam.js';
import type { FaultScenario } from './fault-scenario.js';

/** Heartbeat period + the vendor's 100 ms: for faults the linac reports on its status. */
const statusDeadline = (f: Parameters<typeof beamPeriodMs>[0]): number => beamPeriodMs(f) + VENDOR_HOLD_MS;

export const deviceScenarios: FaultScenario[] = [
  midBeam({
    name: 'dose-channels-disagree', injected: 'primary MU channel stops counting (channel 2 runs on)', ci: true,
    deadlineMs: statusDeadline,
    inject: (f) => void (f.room.beam.room.primaryChannelStuck = true),
    state: 'fault', linac: [BeamState.Terminated], interlocks: ['IL-DOSE-CHANNELS-DISAGREE'], command: 'TERMINATE_BEAM',
  }),
  midBeam({
    name: 'mu-overrun', injected: 'linac runs past the segment end on both channels', plan: examplePlan, minMu: 14,
    // it must first reach segment end + muOverrunMu, then report it
    deadlineMs: (f) => msForMu(f, f.room.beam.status.segmentEndMu + f.config.bridge.tolerances.muOverrunMu - f.room.beam.status.mu1) + statusDeadline(f),
    inject: (f) => void (f.room.beam.room.ignoresSegmentEnd = true),
    state: 'fault', linac: [BeamState.Terminated], interlocks: ['IL-MU-OVERRUN'], command: 'TERMINATE_BEAM',
  }),
  midBeam({
    name: 'emergency-stop', injected: 'e-stop pressed mid-beam',
    deadlineMs: statusDeadline,
    inject: (f) => void (f.room.beam.room.emergencyStop = true),
    state: 'fault', linac: [BeamState.Terminated], interlocks: ['IL-EMERGENCY-STOP'], command: 'TERMINATE_BEAM',
  }),
  midBeam({
    name: 'door-opened', injected: 'treatment-room door opened mid-beam',
    deadlineMs: statusDeadline,
    inject: (f) => void (f.room.beam.room.doorClosed = false),
    state: 'beamHold', linac: [BeamState.Held], interlocks: ['IL-DOOR-OPEN'], command: 'HOLD_BEAM',
    async after(f, checks) {
      f.room.beam.room.doorClosed = true;
      await new Promise((r) => setTimeout(r, 300));
      checks.equal(f.state(), 'beamHold', 'door closed again: still held until RESUME');
      checks.equal(f.room.beam.status.state, BeamState.Held, 'door closed again: linac still held');
    },
  }),
  midBeam({
    name: 'stuck-leaf', injected: 'every bank-A leaf stuck during segment 1 of 5 (the MLC cannot reach segment 2)', plan: examplePlan,
    // the beam goes off at the segment end and must not come back on; the controller then reports its motion fault
    deadlineMs: (f) => msForMu(f, f.room.beam.status.segmentEndMu - f.room.beam.status.mu1) + statusDeadline(f),
    inject: (f) => {
      for (let i = 0; i < f.room.mlc.options.leafPairs; i++) f.room.mlc.faults.stuckLeavesA.add(i);
    },
    state: 'fault', linac: [BeamState.Terminated], interlocks: ['IL-MLC-FAULT'], command: 'TERMINATE_BEAM',
    async after(f, checks) {
      checks.that(!f.watch.commands.some((c) => c.cmd === 'BeamOn'), 'no BEAM_ON sent with the leaves out of position');
      checks.that(f.room.beam.status.mu1 <= examplePlan.beams[0].segments[0].mu + 1e-6, `no MU beyond segment 1 (${examplePlan.beams[0].segments[0].mu} MU): ${f.room.beam.status.mu1}`);
    },
  }),
  midBeam({
    name: 'unexpected-beam-on', injected: 'linac turns the beam on by itself while the session is ready (welded relay)', ci: true,
    at: 'ready', deadlineMs: statusDeadline,
    inject: (f) => f.room.beam.injectBeamOn(),
    state: 'fault', linac: [BeamState.Terminated], interlocks: ['IL-UNEXPECTED-BEAM'], command: 'TERMINATE_BEAM',
  }),
];
