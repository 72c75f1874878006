/** ByteLink over a TCP socket (a serial device server or a simulator on loopback). */
import net from 'node:net';
import { BridgeError } from '../core/bridge-error.js';
import type { ByteLink } from './byte-link.js';

export function openTcpLink(host: string, port: number, connectTimeoutMs: number): Promise<ByteLink> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host, port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new BridgeError('REQUEST_TIMEOUT', 'TCP connect timed out', { field: `tcp://${host}:${port}`, limit: connectTimeoutMs, unit: 'ms' }));
    }, connectTimeoutMs);
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(new BridgeError('LINK_CLOSED', `TCP connect failed: ${e.message}`, { field: `tcp://${host}:${port}`, cause: e }));
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(wrapSocket(socket, `tcp://${host}:${port}`));
    });
  });
}

function wrapSocket(socket: net.Socket, endpoint: string): ByteLink {
  let open = true;
  let closeHandler: ((reason: Error | undefined) => void) | undefined;
  let lastError: Error | undefined;
  socket.on('error', (e) => (lastError = e));
  socket.on('close', () => {
    open = false;
    closeHandler?.(lastError);
  });
  return {
    endpoint,
    get isOpen() {
      return open;
    },
    write(bytes) {
      if (open) socket.write(bytes);
    },
    onData(handler) {
      socket.on('data', handler);
    },
    onClose(handler) {
      closeHandler = handler;
    },
    close() {
      return new Promise((resolve) => {
        if (!open) return resolve();
        socket.once('close', () => resolve());
        socket.destroy();
      });
    },
  };
}
