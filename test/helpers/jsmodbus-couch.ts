/**
 * The couch's holding registers served by a third-party Modbus server
 * (jsmodbus), not by the project's simulator or codec. Register values are
 * written here straight from docs/protocols/couch.md: int32, high word first,
 * micrometres and millidegrees. Every read served bumps the device tick
 * (register 29), so each reply carries a number that names it.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import jsmodbus from 'jsmodbus';

/** The couch's documented holding registers (docs/protocols/couch.md), 32 of them. */
export const DOC_REG = { actualPose: 0, targetPose: 12, command: 24, status: 25, faultCode: 26, watchdog: 27, moveId: 28, deviceTick: 29, deviceType: 30, mapVersion: 31 } as const;

/** A pose in document units: µm for lateral, longitudinal, vertical; mdeg for pitch, roll, yaw. */
export type DocPose = readonly [number, number, number, number, number, number];

export class CouchRegisters {
  /** 32 registers, big-endian, as jsmodbus keeps them; the identity as documented: "C6", map version 1. */
  readonly holding = Buffer.alloc(64);

  constructor() {
    this.set(DOC_REG.deviceType, 0x4336);
    this.set(DOC_REG.mapVersion, 1);
  }

  setPose(at: number, p: DocPose): void {
    p.forEach((v, i) => this.holding.writeInt32BE(v, 2 * (at + 2 * i)));
  }
  set(reg: number, value: number): void {
    this.holding.writeUInt16BE(value & 0xffff, 2 * reg);
  }
  get(reg: number): number {
    return this.holding.readUInt16BE(2 * reg);
  }
}

function tickOnRead(server: { on(e: 'preReadHoldingRegisters', l: () => void): unknown }, regs: CouchRegisters): void {
  server.on('preReadHoldingRegisters', () => regs.set(DOC_REG.deviceTick, regs.get(DOC_REG.deviceTick) + 1));
}

/** jsmodbus's ModbusTCPServer on 127.0.0.1, port chosen by the OS. */
export async function jsmodbusTcpCouch(regs: CouchRegisters): Promise<{ port: number; close(): Promise<void> }> {
  const netServer = new net.Server();
  const sockets = new Set<net.Socket>();
  netServer.on('connection', (s) => {
    sockets.add(s);
    s.on('error', () => undefined); // a client that resets its connection is not a test failure
    s.on('close', () => sockets.delete(s));
  });
  tickOnRead(new jsmodbus.server.TCP(netServer, { holding: regs.holding }), regs);
  await new Promise<void>((r) => netServer.listen(0, '127.0.0.1', r));
  return {
    port: (netServer.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        netServer.close(() => r());
      }),
  };
}

/**
 * jsmodbus's ModbusRTUServer on a byte stream. Returns the stream's far end:
 * `toServer` feeds it request bytes, `fromServer` receives its reply frames.
 */
export function jsmodbusRtuCouch(regs: CouchRegisters, fromServer: (bytes: Buffer) => void): { toServer(bytes: Buffer): void } {
  const line = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      fromServer(Buffer.from(chunk));
      cb();
    },
  });
  tickOnRead(new jsmodbus.server.RTU(line as never, { holding: regs.holding }), regs);
  return { toServer: (bytes) => void line.push(bytes) };
}
