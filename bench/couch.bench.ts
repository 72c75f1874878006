/**
 * Modbus round trips to the couch simulator on loopback: a 6-axis poll (read
 * 30 registers) over TCP and over RTU on a pseudo-terminal, p50/p99 and rate,
 * with the RTU wire-time limit at 115200 baud beside it, and a raw TCP echo
 * round trip as the in-run baseline. 1000 polls each, bounded in time.
 */
import mb from 'modbus-serial';
import { openPtyPair } from '../src/kernels/pty.js';
import { RTU_POLL_BYTES, rtuWireTimeMs } from '../src/protocol/modbus-codec.js';
import { CouchDevice } from '../simulators/couch-device.js';
import { ModbusRtuHost } from '../simulators/modbus-rtu-host.js';
import { ModbusTcpHost } from '../simulators/modbus-tcp-host.js';
import { simOptions } from '../test/helpers/sim-fixtures.js';
import { tcpEchoRoundTrips } from './echo-baseline.js';
import { fmt, summarise } from './timing.js';

const ModbusRTU = mb.default;
const POLLS = 1000;
const MAX_MS = 20_000;

async function pollLoop(client: InstanceType<typeof ModbusRTU>): Promise<number[]> {
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < POLLS && performance.now() - start < MAX_MS; i++) {
    const t = performance.now();
    await client.readHoldingRegisters(0, 30);
    samples.push(performance.now() - t);
  }
  return samples;
}


export async function benchCouch(): Promise<Record<string, unknown>[]> {
  const base = summarise(await tcpEchoRoundTrips(POLLS, 12));

  const tcpDev = new CouchDevice(simOptions.couch);
  const tcpHost = new ModbusTcpHost(tcpDev);
  const port = await tcpHost.host.listenTcp(0);
  const tcp = new ModbusRTU();
  await tcp.connectTCP('127.0.0.1', { port });
  tcp.setID(1);
  tcp.setTimeout(500);
  const t = summarise(await pollLoop(tcp));
  await new Promise<void>((r) => tcp.close(() => r()));
  await tcpHost.host.close();

  const pty = openPtyPair();
  const rtuDev = new CouchDevice(simOptions.couch);
  const rtuHost = new ModbusRtuHost(rtuDev);
  rtuHost.host.attach(pty.master);
  const rtu = new ModbusRTU();
  await rtu.connectRTUBuffered(pty.slavePath, { baudRate: 115200 });
  rtu.setID(1);
  rtu.setTimeout(500);
  const r = summarise(await pollLoop(rtu));
  await new Promise<void>((res) => rtu.close(() => res()));
  pty.close();

  const wireMs = rtuWireTimeMs(RTU_POLL_BYTES.request, RTU_POLL_BYTES.response, 115200);
  const row = (name: string, s: ReturnType<typeof summarise>, extra: Record<string, unknown> = {}) => ({
    case: name, polls: s.calls, p50Ms: fmt(s.p50Ms), p99Ms: fmt(s.p99Ms), ratePerS: fmt(1000 / s.msPerCall), p50VsEchoBaseline: fmt(s.p50Ms / base.p50Ms, 3), ...extra,
  });
  return [
    row('raw TCP echo (baseline)', base),
    row('Modbus TCP 6-axis poll (30 registers)', t),
    // a pty moves bytes as fast as the kernel copies them (no baud pacing): the measured rate is software
    // round trip only and is not bounded by the wire limit, which is computed for a real 115200-baud line
    row('Modbus RTU 6-axis poll over a pty (no baud pacing: software round trip, not a serial line)', r, { computedWireLimitMsOnReal115200Line: fmt(wireMs), computedWireLimitRatePerS: fmt(1000 / wireMs) }),
  ];
}
