/**
 * Serves a device over byte streams: a TCP listener on loopback (a serial
 * device server) or any Duplex such as a pseudo-terminal master. One session
 * object per connection; the device logic is shared by all of them.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';

export interface StreamSession {
  onBytes(chunk: Buffer): void;
  onEnd(): void;
}

export type SessionFactory = (write: (bytes: Buffer) => void) => StreamSession;

export class StreamHost {
  private server: net.Server | undefined;
  private readonly streams = new Set<Duplex>();

  constructor(private readonly makeSession: SessionFactory) {}

  /** Listens on host:port (port 0 = a free port); resolves with the bound port. */
  listenTcp(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => {
        socket.setNoDelay(true);
        this.attach(socket);
      });
      server.once('error', reject);
      server.listen(port, host, () => {
        this.server = server;
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Serves one already-open stream (a TCP socket, a pty master). */
  attach(stream: Duplex): void {
    this.streams.add(stream);
    const session = this.makeSession((bytes) => {
      if (!stream.destroyed && stream.writable) stream.write(bytes);
    });
    stream.on('data', (chunk: Buffer) => session.onBytes(chunk));
    stream.on('error', () => undefined); // a peer vanishing is normal for a device
    stream.on('close', () => {
      this.streams.delete(stream);
      session.onEnd();
    });
  }

  /** Drops every open connection (the device stays up): a cable pulled. */
  dropConnections(): void {
    for (const s of this.streams) s.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
