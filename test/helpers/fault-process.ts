/**
 * Child processes for the scenarios that kill, pause or restart a process:
 * `linac-bridge sim <device>` and the bridge child. Lines of their output are
 * kept so a scenario can wait for one; every child is ended by its own pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from './wait.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ChildRun {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<string>;
  stderrTail(): string;
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
  /** Ends the process if it still runs (SIGCONT first, in case it is stopped). */
  end(signal?: NodeJS.Signals): Promise<string>;
}

function run(args: string[]): ChildRun {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  let done = false;
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => {
    done = true;
    resolve(signal ?? String(code));
  }));
  return {
    child, lines, exited,
    stderrTail: () => stderr.slice(-500),
    async waitForLine(re, timeoutMs) {
      await until(() => lines.some((l) => re.test(l)) || done, timeoutMs, `a line ${re} from the child`).catch((e: Error) => {
        throw new Error(`${e.message}; stderr: ${stderr}`);
      });
      const line = lines.find((l) => re.test(l));
      if (!line) throw new Error(`the child exited before printing ${re}; stderr: ${stderr}`);
      return line;
    },
    async end(signal = 'SIGTERM') {
      if (!done && child.pid) {
        process.kill(child.pid, 'SIGCONT');
        process.kill(child.pid, signal);
      }
      return exited;
    },
  };
}

/** `linac-bridge sim <device> --port <port>` (0: any free port); resolves once it listens. */
export async function startSimProcess(device: 'mlc' | 'beam' | 'couch', port: number, timeScale: number): Promise<ChildRun & { port: number }> {
  const r = run([path.join(root, 'bin/linac-bridge.js'), 'sim', device, '--port', String(port), '--time-scale', String(timeScale)]);
  const line = await r.waitForLine(/tcp:\/\/127\.0\.0\.1:\d+/, 30_000);
  return { ...r, port: Number(/:(\d+)/.exec(line.slice(line.indexOf('tcp://') + 6))![1]) };
}

/** The bridge child (`fault-bridge-child.ts`) connected to simulators on these ports. */
export function startBridgeProcess(args: { mlc: number; beam: number; couch: number; imaging: number; journal: string }): ChildRun {
  return run(['--import', 'tsx', path.join(root, 'test/helpers/fault-bridge-child.ts'), JSON.stringify(args)]);
}
