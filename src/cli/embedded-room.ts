/**
 * The embedded default: every simulator in-process on loopback (the couch on
 * Modbus TCP, or Modbus RTU on a pseudo-terminal), and the room assembled on
 * their addresses by `src/bridge/room-assembly.ts`. Only the CLI may start
 * simulators (layer rule), so this small part stays here.
 */
import type { LoadedConfig } from '../config/load-config.js';
import { SimRoom } from '../../simulators/sim-room.js';
import { assembleRoom, type Room, type RoomOptions } from '../bridge/room-assembly.js';
import { withPorts } from '../bridge/room-links.js';
import { openPtyPair, type PtyPair } from '../kernels/pty.js';
import { simOptionsFrom } from './sim-options.js';

export { heartbeatMarginMs, waitForLinks } from '../bridge/room-readiness.js';

export interface EmbeddedRoom extends Room {
  readonly room: SimRoom;
}

export interface EmbeddedRoomOptions extends Pick<RoomOptions, 'journalName' | 'onRejected' | 'realtime' | 'carriedLatches'> {
  readonly timeScale?: number;
  /** The couch over Modbus TCP (default) or Modbus RTU on a pseudo-terminal. */
  readonly couchLink?: 'tcp' | 'rtu';
}

export async function startEmbeddedRoom(cfg: LoadedConfig, opts: EmbeddedRoomOptions): Promise<EmbeddedRoom> {
  const room = new SimRoom(simOptionsFrom(cfg, opts.timeScale));
  const ports = await room.start();
  let pty: PtyPair | undefined;
  if (opts.couchLink === 'rtu') {
    pty = openPtyPair();
    room.couchRtuHost.host.attach(pty.master);
  }
  const loopback = (port: number) => ({ kind: 'tcp' as const, host: '127.0.0.1', port });
  const links = { ...withPorts(cfg, { ...ports, couchSerialPath: pty?.slavePath }), imaging: loopback(ports.imaging), motion: loopback(ports.motion) };
  const assembled = await assembleRoom(cfg, {
    ...opts, links, imagingSource: 'sim',
    closeDevices: async () => {
      await room.stop();
      pty?.close();
    },
  });
  return Object.assign(assembled, { room });
}
