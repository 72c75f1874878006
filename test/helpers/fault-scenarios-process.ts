/**
 * Processes killed, paused and restarted mid-beam: the MLC simulator as its
 * own process (`linac-bridge sim mlc`) killed and started again on its port,
 * and the bridge as its own process paused (SIGSTOP) or killed (SIGKILL),
 * where only the simulated linac's own watchdog can hold the beam.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SimRoom } from '../../simulators/sim-room.js';
import { simOptionsFrom } from '../../src/cli/sim-options.js';
import { readJournal } from '../../src/journal/journal.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { lostRecords } from './fault-room.js';
import { midBeam, TICK_MS, VENDOR_HOLD_MS } from './fault-mid-beam.js';
import { startBridgeProcess, startSimProcess, type ChildRun } from './fault-process.js';
import { Checks, CORRECTION, deviceEvents, longPlan, subjectOf, type FaultScenario, type ScenarioResult } from './fault-scenario.js';
import { SafetyWatch } from './fault-watch.js';
import { testConfig } from './sim-fixtures.js';
import { until } from './wait.js';

const TIME_SCALE = 5;

/** The MLC simulator process, started before the room and restarted by the scenario. */
function simProcessKilled(): FaultScenario {
  let sim: (ChildRun & { port: number }) | undefined;
  const inner = midBeam({
    name: 'sim-process-killed-restarted', injected: 'MLC simulator process SIGKILLed mid-beam, started again on its port 500 ms later',
    get room() {
      return { mlcPort: sim!.port, timeScale: TIME_SCALE };
    },
    deadlineMs: (f) => f.config.bridge.links.mlc.staleAfterMs + TICK_MS + VENDOR_HOLD_MS,
    inject: () => void process.kill(sim!.child.pid!, 'SIGKILL'),
    state: 'beamHold', linac: [BeamState.Held], interlocks: ['IL-MLC-STALE'], command: 'HOLD_BEAM',
    async after(f, checks, es) {
      await sim!.exited;
      await new Promise((r) => setTimeout(r, 500));
      sim = await startSimProcess('mlc', sim!.port, TIME_SCALE);
      await checks.until(() => f.session.drivers.mlc.isFresh(), 5000, 'MLC link reopened and fresh');
      await new Promise((r) => setTimeout(r, 300));
      checks.equal(f.state(), 'beamHold', 'simulator back: still held until RESUME');
      checks.equal(f.room.beam.status.state, BeamState.Held, 'simulator back: linac still held');
      checks.that(['link-closed', 'link-reopened', 'link-fresh'].every((t) => deviceEvents(es(), 'mlc').includes(t)), `journaled MLC link events: ${[...new Set(deviceEvents(es(), 'mlc'))].join(', ')}`);
    },
  });
  return {
    name: inner.name, injected: inner.injected,
    async run(opts) {
      sim = await startSimProcess('mlc', 0, TIME_SCALE);
      try {
        return await inner.run(opts);
      } finally {
        await sim.end();
      }
    },
  };
}

/** The bridge in a child process on the beam; the parent holds the simulators and watches the linac. */
async function bridgeOnBeam(room: SimRoom, journal: string): Promise<ChildRun> {
  const p = room.ports;
  const bridge = startBridgeProcess({ mlc: p.mlc, beam: p.beam, couch: p.couch, imaging: p.imaging, journal });
  await bridge.waitForLine(/^state setup\.awaitingRegistration$/, 30_000);
  room.imaging.acquire(subjectOf(longPlan), CORRECTION);
  await until(() => room.beam.status.state === BeamState.BeamOn && room.beam.status.mu1 > 1, 20_000, 'beam on at the linac').catch((e: Error) => {
    throw new Error(`${e.message} (the bridge said: ${bridge.lines.slice(-4).join(' | ')}; ${bridge.stderrTail()})`);
  });
  return bridge;
}

function bridgeProcess(kind: 'paused' | 'killed'): FaultScenario {
  const signal = kind === 'paused' ? 'SIGSTOP' : 'SIGKILL';
  return {
    name: `bridge-${kind}`, ci: kind === 'killed',
    injected: `bridge process ${signal} mid-beam${kind === 'paused' ? ', SIGCONT 1 s later' : ''}`,
    async run(opts): Promise<ScenarioResult> {
      const room = new SimRoom(simOptionsFrom(testConfig, TIME_SCALE));
      await room.start();
      const journal = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-faults-child-')), 'j.jsonl');
      const watch = new SafetyWatch(room.beam);
      const checks = new Checks();
      let bridge: ChildRun | undefined;
      let appended: number | undefined;
      try {
        bridge = await bridgeOnBeam(room, journal);
        // the bridge is gone: only the linac's heartbeat watchdog (checked every physics step of 5 ms) can hold
        watch.inject(room.beam.options.watchdogMs + 10 + VENDOR_HOLD_MS + opts.slackMs, true, () => process.kill(bridge!.child.pid!, signal));
        await checks.until(() => room.beam.status.state === BeamState.Held, 3000, 'linac held');
        checks.that(room.beam.status.watchdogHold, 'held by the linac watchdog');
        const heldAt = room.beam.status.mu1;
        await new Promise((r) => setTimeout(r, 1000));
        checks.equal(room.beam.status.mu1, heldAt, 'no MU while the bridge is away');
        if (kind === 'paused') {
          process.kill(bridge.child.pid!, 'SIGCONT');
          await checks.until(() => bridge!.lines.some((l) => /^state (beamHold|fault)$/.test(l)), 5000, 'the bridge, running again, sees the hold');
          checks.that(room.beam.status.state !== BeamState.BeamOn, 'the beam stays off when the bridge runs again');
          await bridge.end('SIGTERM');
          appended = Number(/appended (\d+)/.exec(bridge.lines.find((l) => l.startsWith('appended')) ?? '')?.[1] ?? NaN);
          checks.that(Number.isFinite(appended), 'the bridge stopped cleanly and counted its records');
        } else {
          checks.equal(await bridge.exited, 'SIGKILL', 'bridge exit');
        }
        const read = readJournal(journal);
        checks.equal({ corrupt: read.corruptLines.length, torn: read.tornTail }, { corrupt: 0, torn: false }, 'journal intact');
        const states = read.entries.filter((e) => e.kind === 'state').map((e) => (e.data as { to: string }).to);
        checks.includes(states, 'beamOn', 'journaled states');
        if (kind === 'paused') checks.that(states.includes('beamHold') || states.includes('fault'), `journaled states after SIGCONT: ${states.slice(-3).join(', ')}`);
      } catch (e) {
        checks.that(false, `scenario error: ${(e as Error).message}`);
      } finally {
        await bridge?.end('SIGKILL');
        await room.stop();
      }
      const ms = watch.msToSafeState;
      return {
        name: this.name, injected: this.injected, detected: room.beam.status.watchdogHold ? `linac watchdog (no heartbeat for ${room.beam.options.watchdogMs} ms)` : 'nothing',
        action: room.beam.status.watchdogHold ? 'linac watchdog hold' : 'none', msToSafeState: ms === undefined ? null : Math.round(ms * 10) / 10,
        unsafe: watch.unsafe, lostRecords: lostRecords(journal, { expected: appended }),
        failedChecks: watch.unsafe ? [watch.unsafeDetail, ...checks.failed] : checks.failed,
      };
    },
  };
}

export const processScenarios: FaultScenario[] = [simProcessKilled(), bridgeProcess('paused'), bridgeProcess('killed')];
