/** A byte stream whose far end is the test: attach it to a simulator's StreamHost, push bytes in, read what it wrote. */
import { Duplex } from 'node:stream';
import type { StreamHost } from '../../simulators/stream-host.js';

export function byteWire(host: StreamHost, onWrite: (bytes: Buffer) => void = () => undefined): { send(bytes: Buffer): void; readonly written: Buffer[] } {
  const written: Buffer[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk);
      onWrite(chunk);
      cb();
    },
  });
  host.attach(stream);
  return { send: (bytes) => void stream.emit('data', bytes), written };
}
