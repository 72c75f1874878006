/**
 * A third-party Modbus TCP server: Debian's pymodbus (python3-pymodbus, under /usr/bin/python3)
 * holding the given holding registers (test/fixtures/protocol/pymodbus_server.py), on loopback
 * at an OS-chosen port. `stop()` closes its stdin, which ends it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { root } from './cli-process.js';
import { until } from './wait.js';

export interface PymodbusServer {
  readonly port: number;
  stop(): Promise<void>;
}

const SCRIPT = path.join(root, 'test/fixtures/protocol/pymodbus_server.py');

export async function startPymodbusServer(registers: readonly number[], unit = 1): Promise<PymodbusServer> {
  const child = spawn('/usr/bin/python3', [SCRIPT, JSON.stringify({ unit, registers })], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited = false;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void done.then(() => (exited = true));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await until(() => exited || /port \d+/.test(stdout), 30_000, 'pymodbus to listen');
  if (exited) throw new Error(`pymodbus server exited: ${stderr}`);
  return {
    port: Number(/port (\d+)/.exec(stdout)![1]),
    async stop() {
      child.stdin.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(killer);
    },
  };
}
