/**
 * ByteLink over a serial port (`serialport`). Pseudo-terminals work too: their
 * paths open fine though `SerialPort.list()` does not list them, so the path
 * always comes from config. A dead link is found by heartbeat, not by events.
 */
import { SerialPort } from 'serialport';
import { BridgeError } from '../core/bridge-error.js';
import type { ByteLink } from './byte-link.js';

export function openSerialLink(path: string, baudRate: number): Promise<ByteLink> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.open((e) => {
      if (e) {
        reject(new BridgeError('LINK_CLOSED', `serial open failed: ${e.message}`, { field: path, cause: e }));
        return;
      }
      resolve(wrapPort(port, `serial:${path}@${baudRate}`));
    });
  });
}

function wrapPort(port: SerialPort, endpoint: string): ByteLink {
  let closeHandler: ((reason: Error | undefined) => void) | undefined;
  let lastError: Error | undefined;
  port.on('error', (e) => (lastError = e));
  port.on('close', () => closeHandler?.(lastError));
  return {
    endpoint,
    get isOpen() {
      return port.isOpen;
    },
    write(bytes) {
      if (port.isOpen) port.write(bytes);
    },
    onData(handler) {
      port.on('data', handler);
    },
    onClose(handler) {
      closeHandler = handler;
    },
    close() {
      return new Promise((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      });
    },
  };
}
