/**
 * Serves the console API for a running session: what `linac-bridge start` calls. Settings
 * from `bridge.console` (paths relative to the config file); logs one line
 * `console: http(s)://<host>:<port>/` and, with no users, how to create the first one.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BridgeSession } from '../bridge/bridge-session.js';
import { SessionFacade } from '../bridge/facade/session-facade.js';
import { consoleSettings } from '../config/bridge-config.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { Clock } from '../core/clock.js';
import { PROJECT_ROOT } from '../core/project-root.js';
import { ConsoleServer } from './console-server.js';
import { TokenStore } from './token-store.js';
import { readUsers } from './users-file.js';

export interface RunningConsole {
  readonly facade: SessionFacade;
  readonly server: ConsoleServer;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** The configured users file, resolved against the config file's folder. */
export function usersFileOf(cfg: LoadedConfig): string {
  return path.resolve(path.dirname(cfg.file), consoleSettings(cfg.bridge).usersFile);
}

/** The web console's files: web/ at the project top, else src/console/web/ (absent: API only). */
export function webRootOf(): string | undefined {
  return [path.join(PROJECT_ROOT, 'web'), path.join(PROJECT_ROOT, 'src', 'console', 'web')].find((d) => fs.existsSync(path.join(d, 'index.html')));
}

export async function startConsole(session: BridgeSession, cfg: LoadedConfig, clock: Clock, log: (line: string) => void): Promise<RunningConsole> {
  const s = consoleSettings(cfg.bridge);
  const dir = path.dirname(cfg.file);
  const usersFile = usersFileOf(cfg);
  const facade = new SessionFacade(session, { config: cfg, clock, plansDir: s.plansDir && path.resolve(dir, s.plansDir) }).start();
  const tls = s.tls && { cert: fs.readFileSync(path.resolve(dir, s.tls.certFile)), key: fs.readFileSync(path.resolve(dir, s.tls.keyFile)) };
  const software = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const server = new ConsoleServer({ facade, tokens: new TokenStore(s.tokenTtlMs), usersFile, software, clock, tls, webRoot: webRootOf() });
  const port = await server.listen(s.port, s.host);
  const host = s.host.includes(':') ? `[${s.host}]` : s.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}/`;
  log(`console: ${url}`);
  if (readUsers(usersFile).length === 0) log(`console: no users in ${usersFile}: nobody can log in; create the first with \`npx linac-bridge user add <name> --role therapist --users ${usersFile}\` (password on stdin)`);
  return {
    facade, server, port, url,
    async close() {
      await server.close();
      facade.stop();
    },
  };
}
