/** Starts the embedded room with a journal in a temp dir and optional config overrides. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedRoom, waitForLinks, type EmbeddedRoom, type EmbeddedRoomOptions } from '../../src/cli/embedded-room.js';
import type { LoadedConfig } from '../../src/config/load-config.js';
import { stateName } from '../../src/bridge/bridge-session.js';
import { testConfig } from './sim-fixtures.js';

export async function startRoom(opts: Partial<EmbeddedRoomOptions> = {}, patch: (b: any) => void = () => undefined): Promise<EmbeddedRoom> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-room-'));
  const bridge = structuredClone(testConfig.bridge) as any;
  bridge.journal = { dir, fsync: false };
  patch(bridge);
  const cfg: LoadedConfig = { ...testConfig, bridge };
  const e = await startEmbeddedRoom(cfg, { timeScale: 5, journalName: 'j.jsonl', ...opts });
  await waitForLinks(e.session, 3000);
  return e;
}

export const stateOf = (e: EmbeddedRoom): string => stateName(e.session.snapshot.value);
