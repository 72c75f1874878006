/**
 * The room assembled from configured links (src/bridge/room-assembly.ts)
 * against simulators in their own processes: a fraction driven by the
 * fraction runner to completion, with the couch on Modbus RTU over a
 * pseudo-terminal; and a simulator process killed mid-beam holds the beam.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runFraction } from '../../src/bridge/fraction-runner.js';
import { assembleRoom, type Room } from '../../src/bridge/room-assembly.js';
import { configuredLinks } from '../../src/bridge/room-links.js';
import { waitForLinks } from '../../src/bridge/room-readiness.js';
import { stateName } from '../../src/bridge/bridge-session.js';
import { loadConfig } from '../../src/config/load-config.js';
import { readJournal } from '../../src/journal/journal.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { hilConfig, startSim, tmpDir, type SimDevice, type SimProcess } from '../helpers/hil-rig.js';
import { examplePlan } from '../helpers/session-harness.js';
import { until } from '../helpers/wait.js';

let sims: SimProcess[] = [];
let room: Room | undefined;
afterEach(async () => {
  await room?.close();
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
  room = undefined;
});

const PLAN = 'examples/two-beam-step-and-shoot.json';
const SETUP_ERROR = '1.5,-1,0.8,0.4,-0.3,0.5'; // an 'apply' correction: approved by the therapist

/** The four simulators as processes (the couch on a pty when asked), and the room assembled on their addresses. */
async function rig(couchOnPty: boolean): Promise<{ room: Room; sim: Record<SimDevice, SimProcess> }> {
  const scale = ['--time-scale', '5'];
  sims = await Promise.all([
    startSim('mlc', scale), startSim('beam', scale), startSim('couch', couchOnPty ? [...scale, '--pty'] : scale),
    startSim('imaging', ['--plan', PLAN, '--setup-error', SETUP_ERROR]),
  ]);
  const [mlc, beam, couch, imaging] = sims;
  const cfg = loadConfig(hilConfig(tmpDir('lb-room-'), { mlc: mlc.spec, beam: beam.spec, couch: couch.spec, imaging: imaging.spec }));
  room = await assembleRoom(cfg, { links: configuredLinks(cfg), firstOpen: 'retry', journalName: 'hil.jsonl' });
  await waitForLinks(room.session, 20_000);
  return { room, sim: { mlc, beam, couch, imaging } };
}

const runner = (imaging: SimProcess) => ({ operator: 'rtt', log: () => undefined, timeoutMs: 120_000, acquireImage: () => imaging.acquire() });

describe('room assembly on simulator processes', () => {
  it('delivers a two-beam fraction to completion with the couch on Modbus RTU over a pseudo-terminal', async () => {
    const { room: r, sim } = await rig(true);
    expect(r.links.couch).toMatchObject({ kind: 'serial', path: expect.stringMatching(/^\/dev\/pts\/\d+$/) });
    const rec = await runFraction(r.session, examplePlan, { ...runner(sim.imaging), resumeAfterHold: { maxResumes: 5, waitMs: 200, giveUpAfterMs: 20_000 } });
    expect(rec.outcome, JSON.stringify(rec.holds)).toBe('complete');
    for (const b of rec.beams) expect(b.muWithinTolerance).toBe(true);
    const regs = readJournal(r.journal.file).entries.filter((e) => e.kind === 'registration');
    expect(regs.map((e) => (e.data as { source: string }).source)).toEqual(['imaging']); // from the imaging process, over its link
  }, 180_000);

  for (const device of ['mlc', 'couch'] as const) {
    it(`holds the beam when the ${device} simulator process is killed mid-beam, naming its stale link`, async () => {
      const { room: r, sim } = await rig(false);
      // RESUME is pressed (and refused while the link is stale) until the runner gives up: the run ends held
      const run = runFraction(r.session, examplePlan, { ...runner(sim.imaging), resumeAfterHold: { maxResumes: 5, waitMs: 200, giveUpAfterMs: 3_000 } });
      const beamOn = () => r.session.drivers.beam.latest?.status;
      await until(() => beamOn()?.state === BeamState.BeamOn && beamOn()!.mu1 > 2, 60_000, 'the first beam on');
      const killedAtMs = performance.now();
      await sim[device].kill();
      const rec = await run;
      expect(rec.outcome).toBe('held');
      const stale = device === 'mlc' ? 'IL-MLC-STALE' : 'IL-COUCH-STALE';
      // the first hold after the kill names the dead link (a hold before it would be the machine's load, not this test's)
      const hold = readJournal(r.journal.file).entries.find((e) => e.kind === 'state' && e.monoMs >= killedAtMs && (e.data as { to: string }).to === 'beamHold')!;
      expect((hold.data as { holdCauses: string[] }).holdCauses).toContain(stale);
      expect(rec.holds[rec.holds.length - 1].causes).toContain(stale);
      // the linac (its own process, still running) reports the beam off, by readback
      expect(beamOn()?.state).not.toBe(BeamState.BeamOn);
      expect(stateName(r.session.snapshot.value)).not.toBe('beamOn');
    }, 180_000);
  }
});
