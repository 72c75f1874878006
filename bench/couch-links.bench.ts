/**
 * The couch driver's link evidence under faults, against a third-party Modbus
 * server (jsmodbus) through the fault proxy of the tests: how often the driver
 * says "fresh", the oldest pose it called fresh, and how many snapshots came
 * from replies that reached it after their request's timeout (must be 0).
 */
import { systemClock } from '../src/core/clock.js';
import { mulberry32 } from '../src/core/random.js';
import { CouchDriver } from '../src/drivers/couch-driver.js';
import { CouchRegisters, jsmodbusRtuCouch, jsmodbusTcpCouch } from '../test/helpers/jsmodbus-couch.js';
import { ModbusFaultProxy, type ProxyFaults } from '../test/helpers/modbus-fault-proxy.js';
import { linkTiming } from '../test/helpers/sim-fixtures.js';
import { until } from '../test/helpers/wait.js';

const WINDOW_MS = 3000;

function faultsFor(name: string): ProxyFaults {
  const rand = mulberry32(5);
  const late = () => 110 + 290 * rand(); // against a 100 ms request timeout
  if (name === 'all replies 110–400 ms late') return { replyDelayMs: late, reads: 'pass' };
  if (name === 'half the reads late') return { replyDelayMs: (fn) => (fn === 0x03 && rand() < 0.5 ? late() : 0), reads: 'pass' };
  return { replyDelayMs: () => 0, reads: name === 'reads refused, writes acked' ? 'exception' : 'silence' };
}

async function measure(kind: 'tcp' | 'rtu', fault: string): Promise<Record<string, unknown>> {
  const regs = new CouchRegisters();
  const server = kind === 'tcp' ? await jsmodbusTcpCouch(regs) : undefined;
  const proxy = server ? await ModbusFaultProxy.tcp(server.port) : ModbusFaultProxy.rtu((f) => jsmodbusRtuCouch(regs, f));
  const transport = 'port' in proxy ? { kind: 'tcp' as const, host: '127.0.0.1', port: proxy.port as number } : { kind: 'serial' as const, path: (proxy as { path: string }).path, baudRate: 115200 };
  const driver = await CouchDriver.connect({ clock: systemClock, transport, unitId: 1, connectTimeoutMs: 1000, pollMs: kind === 'tcp' ? 20 : 12, ...linkTiming });
  const ticks: number[] = [];
  driver.snapshot$.subscribe((s) => s && ticks.push(s.status.deviceTick));
  await until(() => driver.isFresh(), 3000, 'fresh');
  proxy.faults = faultsFor(fault);
  await new Promise((r) => setTimeout(r, linkTiming.staleAfterMs + 50)); // the last good pose ages out first
  const from = ticks.length;
  let samples = 0;
  let fresh = 0;
  let maxAgeMs = 0;
  for (const end = performance.now() + WINDOW_MS; performance.now() < end; await new Promise((r) => setTimeout(r, 5))) {
    samples++;
    if (!driver.isFresh()) continue;
    fresh++;
    maxAgeMs = Math.max(maxAgeMs, systemClock.nowMs() - driver.latest!.atMs);
  }
  const prompt = proxy.promptTicks(linkTiming.requestTimeoutMs);
  const accepted = ticks.slice(from);
  await driver.close();
  await proxy.close();
  await server?.close();
  return { link: kind, fault, samples, freshPct: Number(((100 * fresh) / samples).toFixed(1)), maxPoseAgeWhileFreshMs: Math.round(maxAgeMs), snapshots: accepted.length, fromLateReplies: accepted.filter((t) => !prompt.has(t)).length };
}

export async function benchCouchLinks(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const kind of ['tcp', 'rtu'] as const) {
    for (const fault of ['all replies 110–400 ms late', 'half the reads late', 'reads refused, writes acked', 'reads silent, writes acked']) rows.push(await measure(kind, fault));
  }
  return rows;
}
