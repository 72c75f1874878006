/**
 * The flood check of `load-check.ts`: one fraction of the README's plan on the embedded room,
 * with the HTTP/WebSocket registration source of `start` attached and its shed summaries
 * journaled as `start` does, while a separate process POSTs registration-shaped bodies at
 * `ratePerS` for `seconds` (from the first beam-on). Counts link-stale events and holds.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFraction } from '../src/bridge/fraction-runner.js';
import { RegistrationHttpSource } from '../src/bridge/registration-sources/http-source.js';
import { startEmbeddedRoom, waitForLinks } from '../src/cli/embedded-room.js';
import { loadConfig } from '../src/config/load-config.js';
import { PROJECT_ROOT } from '../src/core/project-root.js';
import { JSON_LIMITS } from '../src/core/json-limits.js';
import { loadPlanFile } from '../src/domain/plan/validate-plan.js';
import { readInput } from '../src/cli/read-input.js';
import { readJournal } from '../src/journal/journal.js';

export interface FloodResult {
  readonly ratePerS: number;
  readonly shedding: boolean;
  readonly seconds: number;
  readonly sent: number;
  readonly statuses: string;
  readonly outcome: string;
  readonly holds: string;
  readonly linkStale: number;
  readonly worstLoopLagMs: number;
  readonly shedReports: number;
}

/** Runs in the flooding process: POSTs at a fixed rate over keep-alive connections, then prints the status counts. */
const FLOODER = `
const http = require('node:http');
const [port, rate, seconds] = process.argv.slice(1).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const counts = {}; let sent = 0; let open = 0;
const body = JSON.stringify({ id: 'flood', patientId: 'X', planId: 'Y', fraction: 1 });
const end = Date.now() + seconds * 1000;
const iv = setInterval(() => {
  for (let i = 0; i < rate / 100; i++) {
    sent++; open++;
    const req = http.request({ port, host: '127.0.0.1', path: '/registrations', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      counts[res.statusCode] = (counts[res.statusCode] || 0) + 1; res.resume(); res.on('end', () => open--);
    });
    req.on('error', () => { counts.error = (counts.error || 0) + 1; open--; });
    req.end(body);
  }
  if (Date.now() >= end) { clearInterval(iv); setTimeout(() => { process.stdout.write(JSON.stringify({ sent, counts })); process.exit(0); }, 1000); }
}, 10);
`;

export async function runFlood(o: { seconds: number; ratePerS: number; noShedding?: boolean }): Promise<FloodResult> {
  const cfg0 = loadConfig();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-flood-'));
  const cfg = { ...cfg0, bridge: { ...cfg0.bridge, journal: { ...cfg0.bridge.journal, dir } } };
  const planFile = path.join(PROJECT_ROOT, 'examples', 'two-beam-step-and-shoot.json');
  const plan = loadPlanFile(readInput(planFile, 'plan', JSON_LIMITS.plan.maxBytes), planFile, cfg.mlc, Object.keys(cfg.bridge.actionLevels), cfg.bridge.delivery);
  const e = await startEmbeddedRoom(cfg, { journalName: 'flood.jsonl', realtime: true });
  // --no-shed: the edge lets everything in (for comparison with the shedding edge)
  const http = new RegistrationHttpSource(o.noShedding ? { limits: { ratePerS: 1e9, burst: 1e9, maxInFlight: 1e9, reportEveryMs: 1000 } } : {});
  const port = await http.listen(0, '127.0.0.1');
  e.session.attachRegistrationSource(http.candidates$);
  let shedReports = 0;
  http.shed$.subscribe((r) => {
    shedReports++;
    e.journal.append('rejection', { what: 'registration-load', ...r });
  });
  let flood: Promise<{ sent: number; counts: Record<string, number> }> | undefined;
  const startFlood = (): void => {
    flood ??= new Promise((resolve) => {
      const child = spawn(process.execPath, ['-e', FLOODER, String(port), String(o.ratePerS), String(o.seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', () => resolve(JSON.parse(out || '{"sent":0,"counts":{}}')));
    });
  };
  let record;
  try {
    await waitForLinks(e.session, 5000);
    const sub = e.session.actor.subscribe((s) => s.value === 'beamOn' && startFlood());
    record = await runFraction(e.session, plan, {
      operator: 'load-check',
      physician: 'load-check-physician', // the 3.2 mm correction is review-level: a physician is named for it
      log: () => undefined,
      timeoutMs: 300_000,
      resumeAfterHold: { maxResumes: 3, waitMs: 1000, giveUpAfterMs: 30_000 },
      acquireImage: () => e.room.imaging.acquire({ patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction }, { lateralMm: 2.4, longitudinalMm: -1.8, verticalMm: 1.1, pitchDeg: 0.6, rollDeg: -0.4, yawDeg: 0.8 }),
    });
    sub.unsubscribe();
  } finally {
    await flood;
    await http.close();
    await e.close();
  }
  const f = await (flood ?? Promise.resolve({ sent: 0, counts: {} }));
  const entries = readJournal(e.journal.file).entries;
  const linkStale = entries.filter((x) => x.kind === 'device-event' && (x.data as { type: string }).type === 'link-stale').length;
  const worst = Math.max(0, ...entries.filter((x) => x.kind === 'loop-lag' && (x.data as { event: string }).event !== 'scheduling').map((x) => (x.data as { maxMs: number }).maxMs));
  return {
    ratePerS: o.ratePerS, shedding: !o.noShedding, seconds: o.seconds, sent: f.sent, statuses: Object.entries(f.counts).map(([k, v]) => `${k}:${v}`).join(' '),
    outcome: record.outcome, holds: record.holds.map((h) => h.causes.join('+')).join(', ') || '-', linkStale, worstLoopLagMs: worst, shedReports,
  };
}
