import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder } from '../../src/protocol/frame-codec.js';
import { MlcCmd, decodeIdentity } from '../../src/protocol/mlc-protocol.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

/** Starts `linac-bridge sim …`, resolves with its first output line, and the process to stop. */
function startSim(args: string[]): Promise<{ line: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(root, 'bin/linac-bridge.js'), 'sim', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no output from the simulator')), 20_000);
    child.stdout.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve({ line: d.toString(), stop: () => new Promise((r) => (child.once('exit', (code) => r(code)), child.kill('SIGINT'))) });
    });
  });
}

describe('linac-bridge sim (simulators as their own processes)', () => {
  it('runs the MLC controller alone on a loopback port and answers IDENTIFY over the real protocol', async () => {
    const sim = await startSim(['mlc', '--port', '0']);
    const port = Number(/tcp:\/\/127\.0\.0\.1:(\d+)/.exec(sim.line)![1]);
    const sock = net.createConnection(port, '127.0.0.1');
    const decoder = new FrameDecoder();
    const reply = await new Promise<Buffer>((resolve) => {
      sock.on('data', (d) => {
        const r = decoder.push(d).find((x) => x.ok);
        if (r?.ok) resolve(r.frame.payload);
      });
      sock.write(encodeFrame({ seq: 1, cmd: MlcCmd.Identify, payload: Buffer.alloc(0) }));
    });
    sock.destroy();
    expect(decodeIdentity(reply)).toMatchObject({ leafPairs: 60, model: 'millennium-120' });
    expect(await sim.stop()).toBe(0);
  });

  it('serves the couch as Modbus RTU on a pseudo-terminal and prints its path', async () => {
    const sim = await startSim(['couch', '--pty']);
    expect(sim.line).toMatch(/couch simulator on pseudo-terminal \/dev\/pts\/\d+ \(Modbus RTU\)/);
    expect(await sim.stop()).toBe(0);
  });
});
