/**
 * A hardware-in-the-loop rig for tests: each simulator as its own process
 * (`linac-bridge sim …`, ports chosen by the OS, or a pseudo-terminal), its
 * address parsed from the one line it prints, and a config naming them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LinkSpec } from '../../src/transport/byte-link.js';
import { root } from './cli-process.js';

export type SimDevice = 'mlc' | 'beam' | 'couch' | 'imaging';

export interface SimProcess {
  readonly device: SimDevice;
  readonly child: ChildProcess;
  /** Where the bridge finds it: loopback TCP or the pseudo-terminal's path (115200 baud). */
  readonly spec: LinkSpec;
  /** The imaging simulator publishes one registration per line on its stdin. */
  acquire(): void;
  /** SIGINT, then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL (a crashed device): resolves when the process is gone. */
  kill(): Promise<void>;
}

/** Starts `linac-bridge sim <device> [args]` and resolves once it has printed its address. */
export function startSim(device: SimDevice, args: string[] = [], timeoutMs = 30_000): Promise<SimProcess> {
  const child = spawn(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'sim', device, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sim ${device}: no address within ${timeoutMs} ms (${err})`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`sim ${device} exited ${code}: ${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const tcp = /on tcp:\/\/([\d.]+):(\d+)/.exec(out);
      const pty = /on pseudo-terminal (\S+)/.exec(out);
      if (!tcp && !pty) return;
      clearTimeout(timer);
      const spec: LinkSpec = tcp ? { kind: 'tcp', host: tcp[1], port: Number(tcp[2]) } : { kind: 'serial', path: pty![1], baudRate: 115200 };
      const end = async (signal: NodeJS.Signals) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      };
      resolve({ device, child, spec, acquire: () => child.stdin!.write('\n'), stop: () => end('SIGINT'), kill: () => end('SIGKILL') });
    });
  });
}

/** examples/hil/room.json with these transports and the journal in `dir` (no fsync: tests). */
export function hilConfig(dir: string, transports: Partial<Record<SimDevice, LinkSpec>>, base = 'room.json'): string {
  const cfg = JSON.parse(fs.readFileSync(path.join(root, 'examples/hil', base), 'utf8'));
  for (const [name, spec] of Object.entries(transports)) cfg.links[name].transport = spec;
  cfg.journal = { dir: path.join(dir, 'journal'), fsync: false };
  const file = path.join(dir, 'room.json');
  fs.writeFileSync(file, JSON.stringify(cfg, null, 2));
  return file;
}

export const tmpDir = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/**
 * socat giving a simulator a serial face at `linkPath`: a new pseudo-terminal bridged to its TCP port
 * (as a serial device server does, the other way round) or to its own pseudo-terminal. Resolves once the link exists.
 */
export async function socatPty(linkPath: string, to: LinkSpec, timeoutMs = 10_000): Promise<{ stop(): Promise<void> }> {
  const other = to.kind === 'tcp' ? `tcp:${to.host}:${to.port}` : `${to.path},raw,echo=0`;
  const child = spawn('socat', [`pty,raw,echo=0,link=${linkPath}`, other], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const end = performance.now() + timeoutMs;
  while (!fs.existsSync(linkPath)) {
    if (child.exitCode !== null || performance.now() > end) throw new Error(`socat did not create ${linkPath}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
