/**
 * Link faults on the real transports: bits flipped at a bit-error rate,
 * frames dropped, duplicated or late (a proxy on loopback TCP between driver
 * and simulator), a device that stops answering with its connection open, and
 * the couch on Modbus RTU over a pseudo-terminal going silent or failing its CRC.
 * A link judged stale holds within staleAfterMs + a tick + the vendor's 100 ms.
 */
import { BeamState } from '../../src/protocol/beam-protocol.js';
import type { FaultRoom } from './fault-room.js';
import { beamPeriodMs, midBeam, TICK_MS, VENDOR_HOLD_MS } from './fault-mid-beam.js';
import { deviceEvents, type FaultScenario } from './fault-scenario.js';

const staleDeadline = (link: 'mlc' | 'beam' | 'couch') => (f: FaultRoom): number => f.config.bridge.links[link].staleAfterMs + TICK_MS + VENDOR_HOLD_MS;

/** After a transient link fault: the link is fresh again, but the beam stays held until an operator RESUME. */
async function heldUntilResume(f: FaultRoom, link: 'mlc' | 'beam', checks: Parameters<NonNullable<Parameters<typeof midBeam>[0]['after']>>[1]): Promise<void> {
  await checks.until(() => f.session.drivers[link].isFresh(), 3000, `${link} link fresh again`);
  await new Promise((r) => setTimeout(r, 300));
  checks.equal(f.state(), 'beamHold', 'link fresh again: still held until RESUME');
  checks.equal(f.room.beam.status.state, BeamState.Held, 'link fresh again: linac still held');
}

export const wireScenarios: FaultScenario[] = [
  midBeam({
    name: 'device-silent', injected: 'MLC controller stops answering, connection open', ci: true,
    deadlineMs: staleDeadline('mlc'),
    inject: (f) => void (f.room.mlcHost.faults.silent = true),
    state: 'beamHold', linac: [BeamState.Held], interlocks: ['IL-MLC-STALE'], command: 'HOLD_BEAM',
    async after(f, checks, es) {
      // the session may judge the evidence too old a tick before the driver's own health turns stale
      await checks.until(() => deviceEvents(es(), 'mlc').includes('link-stale'), 1000, 'link-stale journaled');
      f.room.mlcHost.faults.silent = false;
      await heldUntilResume(f, 'mlc', checks);
    },
  }),
  midBeam({
    name: 'corrupt-bytes-ber-1e-2', injected: 'MLC replies: bit-error rate 1e-2 (nearly every frame fails its CRC)', room: { proxied: ['mlc'] },
    deadlineMs: staleDeadline('mlc'),
    inject: (f) => void (f.proxies.mlc!.faults.bitErrorRate = 1e-2),
    state: 'beamHold', linac: [BeamState.Held], interlocks: ['IL-MLC-STALE'], command: 'HOLD_BEAM',
    async after(f, checks, es) {
      await checks.until(() => deviceEvents(es(), 'mlc').includes('frame-rejected'), 1000, 'frame-rejected journaled');
      f.proxies.mlc!.faults.bitErrorRate = 0;
      await heldUntilResume(f, 'mlc', checks);
    },
  }),
  midBeam({
    name: 'corrupt-bytes-ber-1e-3', injected: 'beam-link replies: bit-error rate 1e-3 for 2 s (a few frames fail their CRC)', room: { proxied: ['beam'] },
    // a bad frame costs one heartbeat; a hold, if the link goes stale, is IL-BEAM-STALE only
    deadlineMs: staleDeadline('beam'),
    inject: (f) => void (f.proxies.beam!.faults.bitErrorRate = 1e-3), beamStaysOn: true,
    state: ['beamOn', 'beamHold'], linac: [BeamState.BeamOn, BeamState.Held], interlocks: [],
    async after(f, checks, es) {
      await new Promise((r) => setTimeout(r, 2000));
      f.proxies.beam!.faults.bitErrorRate = 0;
      const flipped = f.proxies.beam!.stats.bitsFlipped;
      const rejected = deviceEvents(es(), 'beam').filter((t) => t === 'frame-rejected').length;
      checks.that(flipped > 0, 'bits flipped');
      checks.that(rejected > 0 || deviceEvents(es(), 'beam').includes('request-failed'), `${flipped} bits flipped, none noticed by the driver`);
      const c = f.session.snapshot.context;
      checks.that(c.holdCauses.every((x) => x === 'IL-BEAM-STALE'), `a hold is for the stale link only: ${c.holdCauses.join(', ')}`);
      // a HOLD whose reply is lost to a bad CRC is a failed safety command: the session latches and terminates
      const failedStop = /(HOLD_BEAM|TERMINATE_BEAM) failed/.test(c.faultReason ?? '');
      checks.that(['beamOn', 'beamHold'].includes(f.state()) || (f.state() === 'fault' && failedStop), `session on the beam, held, or in fault after an unconfirmed stop: ${f.state()} (${c.faultReason})`);
      if (f.state() !== 'beamOn') checks.that(f.room.beam.status.state !== BeamState.BeamOn, `linac off when the session is not on the beam: ${BeamState[f.room.beam.status.state]}`);
    },
    detected: (f) => `${f.proxies.beam!.stats.bitsFlipped} bits flipped; ${f.session.snapshot.context.holdCauses.join(' ') || 'beam continued'}${f.state() === 'fault' ? `; fault: ${f.session.snapshot.context.faultReason}` : ''}`,
  }),
  midBeam({
    name: 'dropped-frames', injected: 'every MLC reply dropped for 600 ms', room: { proxied: ['mlc'] },
    deadlineMs: staleDeadline('mlc'),
    inject: (f) => {
      f.proxies.mlc!.faults.drop = true;
      setTimeout(() => (f.proxies.mlc!.faults.drop = false), 600);
    },
    state: 'beamHold', linac: [BeamState.Held], interlocks: ['IL-MLC-STALE'], command: 'HOLD_BEAM',
    after: (f, checks) => heldUntilResume(f, 'mlc', checks),
  }),
  midBeam({
    name: 'duplicated-frames', injected: 'every beam-link reply sent twice for 1 s', room: { proxied: ['beam'] },
    deadlineMs: staleDeadline('beam'),
    inject: (f) => void (f.proxies.beam!.faults.duplicate = true), beamStaysOn: true,
    state: 'beamOn', linac: [BeamState.BeamOn], interlocks: [],
    async after(f, checks) {
      await new Promise((r) => setTimeout(r, 1000));
      f.proxies.beam!.faults.duplicate = false;
      checks.that(f.proxies.beam!.stats.duplicated > 5, `replies duplicated: ${f.proxies.beam!.stats.duplicated}`);
      checks.equal(f.state(), 'beamOn', 'duplicates discarded: the beam goes on');
      checks.that(f.session.drivers.beam.isFresh(), 'beam link fresh');
      checks.equal(f.room.beam.status.state, BeamState.BeamOn, 'linac still on');
    },
    detected: (f) => `duplicates discarded (${f.proxies.beam!.stats.duplicated})`,
  }),
  midBeam({
    name: 'late-frames', injected: 'every MLC reply 250 ms late (request timeout 100 ms, stale after 150 ms)', room: { proxied: ['mlc'] },
    deadlineMs: staleDeadline('mlc'),
    inject: (f) => void (f.proxies.mlc!.faults.delayMs = 250),
    state: 'beamHold', linac: [BeamState.Held], interlocks: ['IL-MLC-STALE'], command: 'HOLD_BEAM',
    async after(f, checks) {
      await new Promise((r) => setTimeout(r, 500));
      checks.that(!f.session.drivers.mlc.isFresh(), 'late replies never make the link fresh');
      f.proxies.mlc!.faults.delayMs = 0;
      await heldUntilResume(f, 'mlc', checks);
    },
  }),
  midBeam({
    name: 'beam-link-silent', injected: 'linac beam link stops answering, connection open',
    // the bridge cannot reach the linac: its HOLD is lost, the linac's watchdog must hold
    deadlineMs: (f) => f.room.beam.options.watchdogMs + 2 * beamPeriodMs(f),
    inject: (f) => void (f.room.beamHost.faults.silent = true),
    // the HOLD it sent gets no reply: a failed safety command latches the session in fault
    state: 'fault', linac: [BeamState.Held], interlocks: ['IL-BEAM-STALE'], command: 'HOLD_BEAM',
    async after(f, checks) {
      checks.that(f.room.beam.status.watchdogHold, 'the linac held on its own watchdog');
      checks.that(/HOLD_BEAM failed/.test(f.session.snapshot.context.faultReason ?? ''), `fault reason names the failed hold: ${f.session.snapshot.context.faultReason}`);
    },
  }),
  midBeam({
    name: 'couch-rtu-silent', injected: 'couch on Modbus RTU over a pseudo-terminal stops answering mid-beam', room: { couchLink: 'rtu' },
    deadlineMs: staleDeadline('couch'),
    inject: (f) => void (f.room.couchRtuHost.faults.silent = true),
    state: 'beamHold', linac: [BeamState.Held], interlocks: ['IL-COUCH-STALE'], command: 'HOLD_BEAM',
    async after(f, checks, es) {
      await checks.until(() => deviceEvents(es(), 'couch').includes('link-stale'), 1000, 'couch link-stale journaled');
      f.room.couchRtuHost.faults.silent = false;
      await checks.until(() => f.session.drivers.couch.isFresh(), 3000, 'couch link fresh again');
      await new Promise((r) => setTimeout(r, 300));
      checks.equal(f.state(), 'beamHold', 'couch answering again: still held until RESUME');
    },
  }),
  midBeam({
    name: 'couch-rtu-corrupt', injected: 'every couch Modbus RTU reply (pseudo-terminal) fails its CRC from mid-beam on', room: { couchLink: 'rtu' },
    deadlineMs: staleDeadline('couch'),
    inject: (f) => void (f.room.couchRtuHost.faults.corruptReplies = 1_000_000),
    state: 'beamHold', linac: [BeamState.Held], interlocks: ['IL-COUCH-STALE'], command: 'HOLD_BEAM',
  }),
];
