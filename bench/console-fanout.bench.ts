/**
 * Console live fan-out: 10 WebSocket clients on loopback, a beam running beside them (real
 * time, the embedded simulators over TCP), the console driven through its own HTTP API.
 * Figures: messages per second received by all clients, beam updates per client per second,
 * and the delay from a device change (the simulated linac's MU counter changing, stamped in
 * its physics loop) to a client receiving a `beam` update that shows it: p50, p99, max.
 * The clients run in the bridge's process (their JSON parsing competes with the bridge's
 * event loop: a pessimistic bound). Stale-link events and holds during the window are counted.
 */
import WebSocket from 'ws';
import { ConsoleServer } from '../src/api/console-server.js';
import { TokenStore } from '../src/api/token-store.js';
import { SessionFacade } from '../src/bridge/facade/session-facade.js';
import { systemClock } from '../src/core/clock.js';
import type { Plan } from '../src/domain/plan/plan.js';
import { MU_LSB } from '../src/protocol/beam-protocol.js';
import { call, command, login, writeUsers } from '../test/helpers/console-rig.js';
import { startRoom } from '../test/helpers/embedded.js';
import { examplePlan } from '../test/helpers/session-harness.js';
import { until } from '../test/helpers/wait.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, summarise } from './timing.js';

const CLIENTS = 10;
const WINDOW_MS = 10_000;

/** One segment of 900 MU at 600 MU/min: the beam stays on through the whole window. */
const longPlan: Plan = {
  ...examplePlan,
  beams: [{ ...examplePlan.beams[0], doseRateMuPerMin: 600, segments: [{ mu: 900, rows: examplePlan.beams[0].segments[0].rows }], fluence: examplePlan.beams[0].segments[0].rows.map((iv) => Array.from({ length: examplePlan.beams[0].grid.cols }, (_, c) => (iv && c >= iv[0] && c <= iv[1] ? 900 : 0))) }],
};

/** A row with no clients first (the same beam, the same window): what the machine does without the fan-out. */
export async function benchConsoleFanout(): Promise<Record<string, unknown>[]> {
  return [await fanout(0), await fanout(CLIENTS)];
}

async function fanout(clients: number): Promise<Record<string, unknown>> {
  const e = await startRoom({ timeScale: 1 });
  const usersFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-bench-console-')), 'users.json');
  await writeUsers(usersFile, ['therapist']);
  const facade = new SessionFacade(e.session, { config: e.session.config, clock: systemClock }).start();
  const server = new ConsoleServer({ facade, tokens: new TokenStore(3_600_000), usersFile, software: 'bench', clock: systemClock });
  const base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  try {
    // device changes, stamped where they happen: the simulated linac's physics step
    const changes: Array<{ atMs: number; mu: number }> = [];
    const beam = e.room.beam;
    const step = beam.advance.bind(beam);
    beam.advance = (dtMs: number, wallDtMs: number) => {
      step(dtMs, wallDtMs);
      const mu = beam.status.mu1;
      if (changes.length === 0 || changes[changes.length - 1].mu !== mu) changes.push({ atMs: performance.now(), mu });
    };
    const token = await login(base, 'therapist');
    const loaded = await command(base, token, { type: 'loadPlan', plan: longPlan });
    if (loaded.status !== 200) throw new Error(`loadPlan refused: ${JSON.stringify(loaded.body)}`);
    const plan = e.session.snapshot.context.plan!;
    const regId = e.room.imaging.acquire({ patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction }, { lateralMm: 0.8, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 }).id;
    await until(() => e.session.stateName === 'setup.awaitingApproval', 5000, 'approval');
    await command(base, token, { type: 'approveRegistration', registrationId: regId });
    await command(base, token, { type: 'moveCouch', registrationId: regId });
    await until(() => e.session.stateName === 'ready', 15_000, 'ready');

    const received: Array<{ atMs: number; mu: number }> = [];
    let messages = 0;
    let measuring = false;
    const sockets: WebSocket[] = [];
    for (let i = 0; i < clients; i++) {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/live`);
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ type: 'auth', token }));
      let lastMu = -1;
      ws.on('message', (d) => {
        const at = performance.now();
        if (!measuring) return;
        messages++;
        const m = JSON.parse(d.toString());
        if (m.type === 'update' && m.topic === 'beam' && m.data.mu1 !== lastMu) {
          lastMu = m.data.mu1;
          received.push({ atMs: at, mu: m.data.mu1 });
        }
      });
      sockets.push(ws);
    }
    const staleLinks: string[] = [];
    const staleSub = e.session.records$.subscribe((r) => r.kind === 'device-event' && (r.data as { type?: string }).type === 'link-stale' && measuring && staleLinks.push(String((r.data as { device?: string }).device)));
    const states = new Set<string>();
    const stateSub = e.session.onState(() => measuring && states.add(e.session.stateName));
    const on = await command(base, token, { type: 'beamOn' });
    if (on.status !== 200) throw new Error(`beam-on refused: ${JSON.stringify(on.body)}`);
    await until(() => beam.status.mu1 > 1, 5000, 'the beam on');
    measuring = true;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    measuring = false;
    const elapsedS = (performance.now() - t0) / 1000;
    staleSub.unsubscribe();
    stateSub.unsubscribe();
    const endState = e.session.stateName;
    await call(base, 'POST', '/api/v1/commands', { token, body: { type: 'hold' } });
    sockets.forEach((s) => s.close());

    // delay: from the first physics step at which the device's counter reached what the client shows
    const delays: number[] = [];
    for (const r of received) {
      const first = changes.find((c) => c.mu >= r.mu - MU_LSB / 2);
      if (first && first.atMs <= r.atMs) delays.push(r.atMs - first.atMs);
    }
    const d = delays.length ? summarise(delays) : { p50Ms: NaN, p99Ms: NaN, maxMs: NaN };
    return {
      clients,
      windowS: Number(elapsedS.toFixed(1)),
      messagesPerS: Math.round(messages / elapsedS),
      beamUpdatesPerClientPerS: clients ? Number((received.length / clients / elapsedS).toFixed(1)) : 0,
      deviceToClientP50Ms: fmt(d.p50Ms),
      deviceToClientP99Ms: fmt(d.p99Ms),
      deviceToClientMaxMs: fmt(d.maxMs),
      samples: delays.length,
      staleLinkEvents: staleLinks.length,
      staleLinks: staleLinks.join(' ') || 'none',
      states: [...states].join(' '),
      beamStayedOn: endState === 'beamOn' && [...states].every((s) => s === 'beamOn'),
      loadAvg1: Number(os.loadavg()[0].toFixed(1)),
    };
  } finally {
    await server.close();
    facade.stop();
    await e.close();
  }
}
