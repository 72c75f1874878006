/**
 * A pseudo-terminal pair from the native addon: the slave path is a real tty
 * for `serialport`; the master end is a Duplex for a simulator. Both ends raw.
 */
import { Duplex } from 'node:stream';
import tty from 'node:tty';
import { native } from './native.js';

export interface PtyPair {
  readonly slavePath: string;
  readonly master: Duplex;
  close(): void;
}

export function openPtyPair(): PtyPair {
  const n = native();
  const { masterFd, slaveFd, slavePath } = n.openPty();
  const reader = new tty.ReadStream(masterFd);
  const writer = new tty.WriteStream(masterFd);
  let closed = false;
  const master = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      writer.write(chunk, cb);
    },
  });
  reader.on('data', (d: Buffer) => master.push(d));
  reader.on('error', () => undefined); // EIO when the far end goes away
  writer.on('error', () => undefined);
  return {
    slavePath,
    master,
    close() {
      if (closed) return;
      closed = true;
      reader.destroy();
      writer.destroy();
      master.destroy();
      n.closeFd(slaveFd); // the master fd is owned (and closed) by the tty streams
    },
  };
}
