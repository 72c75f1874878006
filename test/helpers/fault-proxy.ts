/**
 * A loopback TCP proxy between a framed-link driver and its simulator that
 * injects wire faults into the device's replies (device → bridge): bits flipped
 * at a bit-error rate, whole frames dropped, duplicated or delayed. Frames are
 * split with the protocol's own decoder only to find their boundaries; the
 * bytes forwarded are the device's own (re-encoded only when duplicating).
 *
 *   driver ──TCP──▶ proxy ──TCP──▶ simulator
 *   driver ◀─faults─ proxy ◀──TCP── simulator
 */
import net from 'node:net';
import { FrameDecoder, encodeFrame } from '../../src/protocol/frame-codec.js';
import { mulberry32 } from '../../src/core/random.js';

export interface WireFaults {
  /** Probability that any one bit of a reply is flipped. */
  bitErrorRate: number;
  /** Drop every reply while true. */
  drop: boolean;
  /** Send every reply twice while true. */
  duplicate: boolean;
  /** Hold every reply back this long, ms. */
  delayMs: number;
}

export const noWireFaults = (): WireFaults => ({ bitErrorRate: 0, drop: false, duplicate: false, delayMs: 0 });

export interface FaultProxy {
  readonly port: number;
  readonly faults: WireFaults;
  readonly stats: { replies: number; dropped: number; duplicated: number; bitsFlipped: number; delayed: number };
  close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number, seed = 1): Promise<FaultProxy> {
  const faults = noWireFaults();
  const stats = { replies: 0, dropped: 0, duplicated: 0, bitsFlipped: 0, delayed: 0 };
  const random = mulberry32(seed);
  const sockets = new Set<net.Socket>();
  const flip = (b: Buffer): Buffer => {
    if (faults.bitErrorRate <= 0) return b;
    const out = Buffer.from(b);
    for (let i = 0; i < out.length * 8; i++) {
      if (random() < faults.bitErrorRate) {
        out[i >> 3] ^= 1 << (i & 7);
        stats.bitsFlipped++;
      }
    }
    return out;
  };
  const server = net.createServer((client) => {
    const upstream = net.createConnection(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const decoder = new FrameDecoder();
    const forward = (bytes: Buffer): void => void (client.writable && client.write(bytes));
    client.on('data', (d) => upstream.writable && upstream.write(d));
    upstream.on('data', (chunk) => {
      for (const r of decoder.push(chunk)) {
        if (!r.ok) continue; // the device's own bytes are well-formed; nothing else arrives here
        stats.replies++;
        if (faults.drop) {
          stats.dropped++;
          continue;
        }
        const bytes = encodeFrame(r.frame);
        const send = (): void => {
          forward(flip(bytes));
          if (faults.duplicate) {
            stats.duplicated++;
            forward(flip(bytes));
          }
        };
        if (faults.delayMs > 0) {
          stats.delayed++;
          setTimeout(send, faults.delayMs);
        } else send();
      }
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port, faults, stats,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
