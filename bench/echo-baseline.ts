/** The in-run baseline for loopback round trips: a raw TCP echo of a small message, n times. */
import net from 'node:net';

export async function tcpEchoRoundTrips(n: number, bytes = 64): Promise<number[]> {
  const server = net.createServer((s) => s.on('data', (d) => s.write(d)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const sock = net.createConnection((server.address() as net.AddressInfo).port, '127.0.0.1');
  sock.setNoDelay(true);
  await new Promise((r) => sock.once('connect', r));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await new Promise<void>((r) => {
      sock.once('data', () => r());
      sock.write(Buffer.alloc(bytes));
    });
    out.push(performance.now() - t);
  }
  sock.destroy();
  await new Promise((r) => server.close(r));
  return out;
}
