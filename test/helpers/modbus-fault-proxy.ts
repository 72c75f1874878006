/**
 * A fault proxy between the couch driver and a Modbus server, for Modbus TCP
 * (a loopback TCP listener) and Modbus RTU (a pseudo-terminal: the driver opens
 * its slave path, the proxy holds the master). It splits frames itself (MBAP
 * length; RTU length by function code), independently of the project's codec.
 *
 *   driver ──request──▶ proxy ──(unless the read is silenced or refused)──▶ server
 *   driver ◀──reply, held replyDelayMs(fn), in order── proxy ◀── server
 *
 * Faults: delay each reply (order kept, as a serial device or a TCP stream
 * keeps it), refuse reads with exception 04 or swallow them while writes go
 * through, inject bytes. It logs every reply it delivers, with the time its
 * request came in, so a test can tell a prompt reply from a late one.
 */
import net from 'node:net';
import { openPtyPair } from '../../src/kernels/pty.js';

export interface ProxyFaults {
  /** Hold each reply this long (ms) after the server gave it; called once per reply with its function code. */
  replyDelayMs: (fn: number) => number;
  /** Reads (function 03): pass, answer with exception 04 (server device failure), or drop. */
  reads: 'pass' | 'exception' | 'silence';
}

export interface DeliveredReply {
  readonly fn: number;
  readonly requestAtMs: number;
  readonly deliveredAtMs: number;
  /** For a read of the whole map: register 29, the server's per-read tick. */
  readonly tick?: number;
}

interface Slot {
  readonly fn: number;
  readonly requestAtMs: number;
  readonly delayMs: number;
  reply?: Buffer;
  dueMs?: number;
}

const now = () => performance.now();

/** CRC-16/MODBUS (init 0xFFFF, reflected poly 0xA001), for the proxy's own exception frames. */
function crc16(b: Buffer): number {
  let crc = 0xffff;
  for (const x of b) {
    crc ^= x;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** Request or reply framing: how long the frame at the head of `buf` is, or undefined if not all in yet. */
type FrameLength = (buf: Buffer) => number | undefined;
const mbapLength: FrameLength = (b) => (b.length >= 6 && b.length >= 6 + b.readUInt16BE(4) ? 6 + b.readUInt16BE(4) : undefined);
const rtuRequestLength: FrameLength = (b) => {
  if (b.length < 2) return undefined;
  const len = b[1] === 0x10 ? (b.length >= 7 ? 9 + b[6] : undefined) : 8;
  return len !== undefined && b.length >= len ? len : undefined;
};
const rtuReplyLength: FrameLength = (b) => {
  if (b.length < 3) return undefined;
  const len = b[1] & 0x80 ? 5 : b[1] === 0x03 ? 5 + b[2] : 8;
  return b.length >= len ? len : undefined;
};

function splitter(length: FrameLength, onFrame: (f: Buffer) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (let n = length(buf); n !== undefined; n = length(buf)) {
      onFrame(Buffer.from(buf.subarray(0, n)));
      buf = Buffer.from(buf.subarray(n));
    }
  };
}

/** One driver-side connection: requests in, replies out in order, with the faults applied. */
class Conduit {
  private readonly slots: Slot[] = [];
  private readonly awaitingServer: Slot[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly proxy: ModbusFaultProxy,
    private readonly toDriver: (b: Buffer) => void,
    private readonly toServer: (b: Buffer) => void,
  ) {}

  request(frame: Buffer): void {
    const fn = frame[this.proxy.kind === 'tcp' ? 7 : 1];
    const isRead = fn === 0x03;
    if (isRead && this.proxy.faults.reads === 'silence') return;
    const slot: Slot = { fn, requestAtMs: now(), delayMs: this.proxy.faults.replyDelayMs(fn) };
    this.slots.push(slot);
    if (isRead && this.proxy.faults.reads === 'exception') this.fill(slot, this.exception(frame));
    else {
      this.awaitingServer.push(slot);
      this.toServer(frame);
    }
  }

  reply(frame: Buffer): void {
    const slot = this.awaitingServer.shift();
    if (slot) this.fill(slot, frame);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private exception(req: Buffer): Buffer {
    if (this.proxy.kind === 'tcp') return Buffer.from([req[0], req[1], 0, 0, 0, 3, req[6], req[7] | 0x80, 0x04]);
    const body = Buffer.from([req[0], req[1] | 0x80, 0x04]);
    const crc = Buffer.alloc(2);
    crc.writeUInt16LE(crc16(body));
    return Buffer.concat([body, crc]);
  }

  private fill(slot: Slot, reply: Buffer): void {
    slot.reply = reply;
    slot.dueMs = now() + slot.delayMs;
    this.pump();
  }

  private pump(): void {
    if (this.timer) return;
    for (let head = this.slots[0]; head?.reply; head = this.slots[0]) {
      const wait = head.dueMs! - now();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.slots.shift();
      this.toDriver(head.reply);
      this.proxy.record(head);
    }
  }
}

export class ModbusFaultProxy {
  faults: ProxyFaults = { replyDelayMs: () => 0, reads: 'pass' };
  readonly delivered: DeliveredReply[] = [];
  private readonly conduits = new Set<Conduit>();
  private readonly closers: Array<() => void | Promise<void>> = [];
  private injectTo: ((b: Buffer) => void) | undefined;

  private constructor(readonly kind: 'tcp' | 'rtu') {}

  /** Modbus TCP: listens on 127.0.0.1 (port in `port`) and opens one upstream connection per driver connection. */
  static async tcp(serverPort: number): Promise<ModbusFaultProxy & { port: number }> {
    const proxy = new ModbusFaultProxy('tcp');
    const server = net.createServer((down) => {
      const up = net.createConnection({ host: '127.0.0.1', port: serverPort });
      const c = new Conduit(proxy, (b) => down.write(b), (b) => up.write(b));
      proxy.conduits.add(c);
      proxy.injectTo = (b) => down.write(b);
      down.on('data', splitter(mbapLength, (f) => c.request(f)));
      up.on('data', splitter(mbapLength, (f) => c.reply(f)));
      const end = () => {
        c.close();
        proxy.conduits.delete(c);
        down.destroy();
        up.destroy();
      };
      down.on('close', end).on('error', end);
      up.on('close', end).on('error', end);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy.closers.push(() => new Promise<void>((r) => server.close(() => r())));
    return Object.assign(proxy, { port: (server.address() as net.AddressInfo).port });
  }

  /**
   * Modbus RTU: a pseudo-terminal whose slave path the driver opens; the
   * server is reached through `connectServer`, which returns its request input
   * and calls back with its reply bytes.
   */
  static rtu(connectServer: (fromServer: (b: Buffer) => void) => { toServer(b: Buffer): void }): ModbusFaultProxy & { path: string } {
    const proxy = new ModbusFaultProxy('rtu');
    const pty = openPtyPair();
    let c: Conduit | undefined;
    const server = connectServer(splitter(rtuReplyLength, (f) => c?.reply(f)));
    c = new Conduit(proxy, (b) => pty.master.write(b), (b) => server.toServer(b));
    proxy.conduits.add(c);
    proxy.injectTo = (b) => pty.master.write(b);
    pty.master.on('data', splitter(rtuRequestLength, (f) => c!.request(f)));
    proxy.closers.push(() => {
      c!.close();
      pty.close();
    });
    return Object.assign(proxy, { path: pty.slavePath });
  }

  /** Writes bytes to the driver as if they came from the line. */
  inject(bytes: Buffer): void {
    this.injectTo?.(bytes);
  }

  /** Reads served with a tick, whose reply reached the driver within `withinMs` of the request. */
  promptTicks(withinMs: number): Set<number> {
    return new Set(this.delivered.filter((d) => d.tick !== undefined && d.deliveredAtMs - d.requestAtMs <= withinMs).map((d) => d.tick!));
  }

  /** Write acknowledgements (functions 06 and 16) delivered to the driver since index `from` of `delivered`. */
  writesAcked(from = 0): number {
    return this.delivered.slice(from).filter((d) => d.fn === 0x06 || d.fn === 0x10).length;
  }

  /** @internal */
  record(slot: Slot): void {
    const r = slot.reply!;
    const pdu = this.kind === 'tcp' ? r.subarray(7) : r.subarray(1, r.length - 2);
    const tick = pdu[0] === 0x03 && pdu[1] === 60 ? pdu.readUInt16BE(2 + 2 * 29) : undefined;
    this.delivered.push({ fn: pdu[0], requestAtMs: slot.requestAtMs, deliveredAtMs: now(), tick });
  }

  async close(): Promise<void> {
    for (const c of this.conduits) c.close();
    for (const close of this.closers.splice(0)) await close();
  }
}
