/**
 * A third-party Modbus client (jsmodbus) wired to a couch simulator over Modbus TCP on loopback or
 * Modbus RTU on a pseudo-terminal (serialport on the slave end), for tests that pin the simulator
 * with an implementation this project did not write.
 */
import net from 'node:net';
import { client as jsmodbus } from 'jsmodbus';
import { SerialPort } from 'serialport';
import { openPtyPair } from '../../src/kernels/pty.js';
import type { CouchDevice } from '../../simulators/couch-device.js';
import type { ModbusHost } from '../../simulators/modbus-host.js';
import { ModbusRtuHost } from '../../simulators/modbus-rtu-host.js';
import { ModbusTcpHost } from '../../simulators/modbus-tcp-host.js';

type AnyClient = InstanceType<typeof jsmodbus.TCP> | InstanceType<typeof jsmodbus.RTU>;

export interface ThirdPartyClient {
  read(address: number, count: number): Promise<number[]>;
  write(address: number, value: number): Promise<unknown>;
  writeMany(address: number, values: number[]): Promise<unknown>;
  /** Calls of function codes the couch does not implement: 01, 02, 04, 05, 15, and 43/14 on TCP. */
  unsupported(): Array<() => Promise<unknown>>;
}

export interface Rig {
  readonly host: ModbusHost;
  /** A jsmodbus client for a unit id (RTU clients share the one serial port: use them one at a time). */
  client(unitId: number, timeoutMs?: number): Promise<ThirdPartyClient>;
  /** Bytes the client side has received (RTU only). */
  bytesReceived(): number;
  close(): Promise<void>;
}

function wrap(c: AnyClient, link: 'tcp' | 'rtu'): ThirdPartyClient {
  return {
    read: async (address, count) => Array.from((await c.readHoldingRegisters(address, count)).response.body.valuesAsArray as ArrayLike<number>),
    write: (address, value) => c.writeSingleRegister(address, value),
    writeMany: (address, values) => c.writeMultipleRegisters(address, values),
    unsupported: () => [
      () => c.readCoils(0, 1),
      () => c.readDiscreteInputs(0, 1),
      () => c.readInputRegisters(0, 1),
      () => c.writeSingleCoil(0, true),
      () => c.writeMultipleCoils(0, [true]),
      // jsmodbus's RTU client reads a 2-byte exception to 43 as MEI type + code (with the CRC byte) and
      // never resolves it, so 43 is asked over TCP only; RTU exception 01 is also pinned by raw vectors.
      ...(link === 'tcp' ? [() => c.readDeviceIdentification()] : []),
    ],
  };
}

/** The Modbus exception code a request ended with, jsmodbus's error kind ('Timeout', …), or 'none'. */
export async function exceptionCode(p: Promise<unknown>): Promise<number | string> {
  try {
    await p;
    return 'none';
  } catch (e) {
    const err = e as { err?: string; response?: { body?: { code?: number } } };
    return err.err === 'ModbusException' ? (err.response?.body?.code ?? 'no code') : (err.err ?? String(e));
  }
}

export async function startRig(link: 'tcp' | 'rtu', device: CouchDevice, unitId = 1): Promise<Rig> {
  return link === 'tcp' ? startTcp(device, unitId) : startRtu(device, unitId);
}

async function startTcp(device: CouchDevice, unitId: number): Promise<Rig> {
  const host = new ModbusTcpHost(device, unitId);
  const port = await host.host.listenTcp(0);
  const sockets: net.Socket[] = [];
  return {
    host,
    async client(unit, timeoutMs = 5000) {
      const socket = new net.Socket();
      sockets.push(socket);
      const c = new jsmodbus.TCP(socket, unit, timeoutMs);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve).once('error', reject);
        socket.connect({ host: '127.0.0.1', port });
      });
      return wrap(c, 'tcp');
    },
    bytesReceived: () => Number.NaN,
    async close() {
      for (const s of sockets) s.destroy();
      await host.host.close();
    },
  };
}

async function startRtu(device: CouchDevice, unitId: number): Promise<Rig> {
  const pty = openPtyPair();
  const host = new ModbusRtuHost(device, unitId);
  host.host.attach(pty.master);
  const port = new SerialPort({ path: pty.slavePath, baudRate: 115_200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  let received = 0;
  port.on('data', (b: Buffer) => (received += b.length));
  return {
    host,
    async client(unit, timeoutMs = 5000) {
      return wrap(new jsmodbus.RTU(port, unit, timeoutMs), 'rtu');
    },
    bytesReceived: () => received,
    async close() {
      await new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
      pty.close();
      await host.host.close();
    },
  };
}
