/**
 * `linac-bridge couch read --tcp host:port | --serial path`: reads the couch's documented holding
 * registers once with modbus-serial — a Modbus client this project did not write — and prints the
 * decoded pose and status. A rig engineer's second opinion beside the bridge's own Modbus master
 * (src/drivers/modbus-master.ts): if the two disagree about a device, one of them is wrong.
 * Read-only: it never writes a register, so it cannot move a couch. Like the bridge's couch link
 * it first reads the identity registers (30, 31): a device that is not a couch of this register
 * map is refused (exit 2) naming `couch.identity`, the expected and the actual identity.
 */
import mb from 'modbus-serial';
import { BridgeError } from '../core/bridge-error.js';
import { COUCH_DEVICE_TYPE, COUCH_MAP_VERSION, COUCH_REGISTER_COUNT, decodePose, decodeStatusRegisters, CouchReg, describeCouchIdentity, isCouchIdentity } from '../protocol/couch-register-map.js';
import { parseNumber, parsePort } from './parse-args.js';

const ModbusRTU = mb.default;

export interface CouchReadOptions {
  readonly tcp?: string;
  readonly serial?: string;
  readonly baud: string;
  readonly unit: string;
  readonly timeoutMs: string;
  readonly json?: boolean;
}

/** `host:port` of a loopback or rig address; the host is taken as given, the port strictly. */
function tcpTarget(text: string): { host: string; port: number } {
  const i = text.lastIndexOf(':');
  if (i <= 0) throw new BridgeError('INPUT_INVALID', 'expected host:port', { field: '--tcp', actual: text });
  return { host: text.slice(0, i), port: parsePort(text.slice(i + 1), '--tcp') };
}

async function connect(client: InstanceType<typeof ModbusRTU>, o: CouchReadOptions): Promise<string> {
  if ((o.tcp === undefined) === (o.serial === undefined)) throw new BridgeError('INPUT_INVALID', 'give exactly one of --tcp host:port or --serial path', { field: '--tcp/--serial' });
  if (o.tcp !== undefined) {
    const { host, port } = tcpTarget(o.tcp);
    await client.connectTCP(host, { port });
    return `Modbus TCP ${host}:${port}`;
  }
  const baudRate = parseNumber(o.baud, '--baud', { min: 1200, max: 4_000_000, integer: true });
  await client.connectRTUBuffered(o.serial!, { baudRate });
  return `Modbus RTU ${o.serial} at ${baudRate} baud`;
}

/**
 * Registers 30, 31 as the device answers them. A Modbus exception (e.g. 02, no such register) is a
 * device without the identity registers: an answer, not a missing reply, so it is reported as the
 * actual identity; a timeout or a dropped link is thrown to the caller.
 */
async function readIdentity(client: InstanceType<typeof ModbusRTU>): Promise<{ regs: number[]; described: string }> {
  try {
    const r = await client.readHoldingRegisters(CouchReg.deviceType, 2);
    return { regs: r.data, described: describeCouchIdentity(r.data) };
  } catch (e) {
    const code = (e as { modbusCode?: number }).modbusCode;
    if (code === undefined) throw e;
    return { regs: [], described: `no identity registers (Modbus exception ${code}: ${(e as Error).message})` };
  }
}

export async function couchReadCommand(o: CouchReadOptions): Promise<number> {
  const unit = parseNumber(o.unit, '--unit', { min: 0, max: 255, integer: true });
  const timeoutMs = parseNumber(o.timeoutMs, '--timeout-ms', { min: 10, max: 60_000, integer: true, unit: 'ms' });
  const client = new ModbusRTU();
  try {
    const link = await connect(client, o).catch((e: unknown) => {
      if (e instanceof BridgeError) throw e;
      throw new BridgeError('INPUT_INVALID', `cannot connect: ${(e as Error).message}`, { field: o.tcp !== undefined ? '--tcp' : '--serial' });
    });
    client.setID(unit);
    client.setTimeout(timeoutMs);
    const noReply = (e: unknown): never => {
      throw new BridgeError('INPUT_INVALID', `no valid reply from unit ${unit} within ${timeoutMs} ms: ${(e as Error).message}`, { field: '--unit' });
    };
    const identity = await readIdentity(client).catch(noReply);
    if (!isCouchIdentity(identity.regs)) {
      const expected = describeCouchIdentity([COUCH_DEVICE_TYPE, COUCH_MAP_VERSION]);
      throw new BridgeError('DEVICE_MISMATCH', `the device at ${link}, unit ${unit} is not the configured couch: expected ${expected} (registers 30, 31); nothing else was read`, {
        field: 'couch.identity', actual: identity.described,
      });
    }
    const regs = await client.readHoldingRegisters(0, COUCH_REGISTER_COUNT).catch(noReply);
    const out = { link, unit, identity: { deviceType: identity.regs[0], mapVersion: identity.regs[1] }, actual: decodePose(regs.data, CouchReg.actualPose), target: decodePose(regs.data, CouchReg.targetPose), status: decodeStatusRegisters(regs.data), registers: regs.data };
    if (o.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    else {
      const p = out.actual;
      process.stdout.write(`${link}, unit ${unit}: actual lat ${p.lateralMm} long ${p.longitudinalMm} vert ${p.verticalMm} mm, pitch ${p.pitchDeg} roll ${p.rollDeg} yaw ${p.yawDeg}°; ` +
        `moving ${out.status.moving}, in position ${out.status.inPosition}, fault ${out.status.fault} (code ${out.status.faultCode}), move id ${out.status.moveId}\n`);
    }
    return 0;
  } finally {
    await new Promise<void>((r) => (client.isOpen ? client.close(() => r()) : r()));
  }
}
