/**
 * The room `start` runs: the embedded simulators (`--simulate`, every link
 * fresh before it returns), or the configured links (each reported per link
 * and retried; a device not there keeps its link stale and beam-on vetoed).
 * Returns the room and its "bridge up" line.
 */
import { describeReport } from '../bridge/link-reports.js';
import { assembleRoom, type Room, type RoomOptions } from '../bridge/room-assembly.js';
import type { RoomLinks } from '../bridge/room-links.js';
import type { LoadedConfig } from '../config/load-config.js';
import { describeLink } from '../transport/byte-link.js';
import { startEmbeddedRoom, waitForLinks } from './embedded-room.js';

type Common = Pick<RoomOptions, 'journalName' | 'onRejected' | 'realtime' | 'carriedLatches'>;

export async function startRoom(cfg: LoadedConfig, links: RoomLinks | undefined, common: Common, log: (line: string) => void): Promise<{ room: Room; upLine: string }> {
  if (links) {
    const room = await assembleRoom(cfg, { ...common, links, firstOpen: 'retry', onLinkReport: (r) => log(describeReport(r)) });
    return { room, upLine: `bridge up; links: ${describeLinks(links)}` };
  }
  const room = await startEmbeddedRoom(cfg, common);
  await waitForLinks(room.session, 5000);
  const p = room.room.ports;
  return { room, upLine: `bridge up; simulators on 127.0.0.1: mlc ${p.mlc}, beam ${p.beam}, couch (Modbus TCP) ${p.couch}, imaging ${p.imaging}` };
}

function describeLinks(l: RoomLinks): string {
  const couch = l.couch.kind === 'tcp' ? ' (Modbus TCP)' : ' (Modbus RTU)';
  return (['mlc', 'beam', 'couch', 'imaging'] as const).map((n) => `${n} ${l[n] ? describeLink(l[n]) : 'none'}${n === 'couch' ? couch : ''}`).join(', ');
}
