/**
 * The QA rig on the simulators: every simulator in-process on loopback, the bridge's
 * drivers connected to them over TCP and Modbus TCP, the imaging link, injected faults,
 * and the room actions a physicist would do by hand, done on the simulators. The
 * phantom is simulated here: the imager reports where the phantom is from the couch's
 * true pose (not its readback), so a couch that stops elsewhere than it reports is seen.
 */
import { share, type Observable } from 'rxjs';
import { SimRoom } from '../../../simulators/sim-room.js';
import { BridgeSession } from '../../bridge/bridge-session.js';
import { closeRoom, connectRoom } from '../../bridge/connect-room.js';
import type { LoadedConfig } from '../../config/load-config.js';
import { systemClock } from '../../core/clock.js';
import { POSE_AXES, ZERO_POSE, type Pose6 } from '../../core/pose.js';
import { registrationMessages, type RawRegistration } from '../../drivers/imaging-link.js';
import type { JournalSink } from '../../journal/journal.js';
import { BeamState } from '../../protocol/beam-protocol.js';
import { CouchCommand, CouchReg, encodePose } from '../../protocol/couch-register-map.js';
import { QA_PHANTOM } from '../../qa/checks/igrt-end-to-end.js';
import type { InjectSpec } from '../../qa/inject/inject-spec.js';
import type { QaRig, QaRoomActions } from '../../qa/qa-rig.js';
import { openTcpLink } from '../../transport/tcp-link.js';
import { simOptionsFrom } from '../sim-options.js';
import { applyInjections } from './apply-inject.js';

export interface SimRig {
  readonly rig: QaRig;
  readonly room: SimRoom;
  close(): Promise<void>;
}

/** The pendant jogs the couch between these lateral positions, a fraction of its range. */
const JOG_FRACTION = 0.75;

function roomActions(room: SimRoom, cfg: LoadedConfig): QaRoomActions & { stop(): void } {
  let phantom: { correction: Pose6; couchAtPlacement: Pose6 } | undefined;
  let jog: NodeJS.Timeout | undefined;
  let jogSide = 1;
  const { min, max } = cfg.couch.rangeMm.lateral;
  const pendant = (cmd: CouchCommand, target?: Pose6) => {
    if (target) room.couch.write(CouchReg.targetPose, encodePose(target));
    room.couch.write(CouchReg.command, [cmd]);
  };
  const actions = {
    setDoorOpen: (open: boolean) => void (room.beam.room.doorClosed = !open),
    setEmergencyStop: (pressed: boolean) => void (room.beam.room.emergencyStop = pressed),
    silenceLink: (device: 'mlc' | 'beam' | 'couch', silent: boolean) => {
      const host = device === 'mlc' ? room.mlcHost : device === 'beam' ? room.beamHost : room.couchHost;
      host.faults.silent = silent;
    },
    setPrimaryChannelStuck: (stuck: boolean) => void (room.beam.room.primaryChannelStuck = stuck),
    setPendantJog(jogging: boolean) {
      clearInterval(jog);
      jog = undefined;
      if (!jogging) return pendant(CouchCommand.Stop);
      // the next stroke is commanded before the last one ends: the couch never stands still while jogged
      let targetMm = Number.NaN;
      const step = () => {
        if (room.couch.moving && Math.abs(room.couch.pose.lateralMm - targetMm) > 2) return;
        jogSide = -jogSide;
        targetMm = (min + max) / 2 + (jogSide * JOG_FRACTION * (max - min)) / 2;
        pendant(CouchCommand.Move, { ...room.couch.pose, lateralMm: targetMm });
      };
      step();
      jog = setInterval(step, 5);
    },
    placePhantom(correction: Pose6) {
      phantom = { correction, couchAtPlacement: room.couch.pose };
    },
    imagePhantom() {
      const p = phantom ?? { correction: ZERO_POSE, couchAtPlacement: room.couch.pose };
      const now = room.couch.pose;
      // small-angle model: the couch's true displacement since placement moves the phantom by as much
      const c = Object.fromEntries(POSE_AXES.map((a) => [a, Math.round((p.correction[a] - (now[a] - p.couchAtPlacement[a])) * 10_000) / 10_000])) as unknown as Pose6;
      room.imaging.acquire(QA_PHANTOM, c);
    },
    beamOnMeasured: () => room.beam.status.state === BeamState.BeamOn && !room.beam.holdOff(),
    stop: () => clearInterval(jog),
  };
  return actions;
}

export async function startSimRig(cfg: LoadedConfig, opts: { timeScale: number; inject: readonly InjectSpec[]; journal: JournalSink }): Promise<SimRig> {
  const room = new SimRoom(simOptionsFrom(cfg, opts.timeScale));
  const ports = await room.start();
  try {
    applyInjections(room, opts.inject);
  } catch (e) {
    await room.stop();
    throw e;
  }
  const drivers = await connectRoom(cfg, systemClock, ports);
  const imaging = await openTcpLink('127.0.0.1', ports.imaging, cfg.bridge.links.mlc.connectTimeoutMs);
  const registrations: Observable<RawRegistration> = registrationMessages(imaging).pipe(share({ resetOnRefCountZero: false }));
  const keepOpen = registrations.subscribe();
  const actions = roomActions(room, cfg);
  const rig: QaRig = {
    config: cfg, drivers, registrations, room: actions, epid: room.epid,
    get timeScale() {
      return room.timeScale;
    },
    async withTimeScale<T>(scale: number, body: () => Promise<T>): Promise<T> {
      const was = room.timeScale;
      room.setTimeScale(Math.min(scale, was));
      try {
        return await body();
      } finally {
        room.setTimeScale(was);
      }
    },
    openSession() {
      const s = new BridgeSession(drivers, cfg, opts.journal, systemClock);
      s.start();
      return s;
    },
  };
  return {
    rig, room,
    async close() {
      actions.stop();
      keepOpen.unsubscribe();
      await imaging.close();
      await closeRoom(drivers);
      await room.stop();
    },
  };
}
