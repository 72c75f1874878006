/**
 * loadPlan refuses a fraction an earlier run delivered part of (a bridge killed mid-beam): a console
 * has no resume of it, and delivering it in full again would give that part twice.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { command, consoleRecords, login, startRig, type Rig } from '../helpers/console-rig.js';
import { examplePlan } from '../helpers/session-harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const id = { patientId: examplePlan.patientId, planId: examplePlan.planId, fraction: examplePlan.fraction };
const run = examplePlan.beams.map((b) => ({ beamId: b.id, segments: b.segments.map((s, index) => ({ index, mu: s.mu })) }));

/** A run of the example plan's fraction, killed with beam 1 at `mu` MU on both channels (no fraction record). */
function killedRun(dir: string, name: string, mu: number): string {
  const j = Journal.open(path.join(dir, name), false);
  j.append('session', { event: 'fraction', ...id, run, baseline: [] });
  j.append('mu-checkpoint', { beamId: 1, state: 'BeamOn', mu1: mu, mu2: mu, presetMu: 60, segmentEndMu: 18 });
  j.close();
  return j.file;
}

describe('console loadPlan and an interrupted fraction', () => {
  it('is refused (409, field plan.fraction) naming the run and the MU it delivered; the session stays idle and the refusal is journaled', async () => {
    rig = await startRig();
    const dir = path.dirname(rig.room.journal.file);
    killedRun(dir, 'killed-earlier.jsonl', 7.5);
    const therapist = await login(rig.base, 'therapist');
    const r = await command(rig.base, therapist, { type: 'loadPlan', plan: examplePlan });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'REFUSED', field: 'plan.fraction' });
    expect(r.body.error.message).toMatch(/interrupted in killed-earlier\.jsonl .*beam 1 7\.500 \/ 7\.500 MU.*re-delivery in full is refused/);
    expect(rig.room.session.stateName).toBe('idle');
    expect(consoleRecords(rig).map((c) => `${c.command}:${c.outcome}`)).toContain('loadPlan:REFUSED');
  });

  it('is accepted when the earlier run delivered nothing, and for another fraction of the plan', async () => {
    rig = await startRig();
    killedRun(path.dirname(rig.room.journal.file), 'killed-before-beam-on.jsonl', 0);
    const therapist = await login(rig.base, 'therapist');
    expect((await command(rig.base, therapist, { type: 'loadPlan', plan: examplePlan })).status).toBe(200);
    await rig.close();
    rig = await startRig();
    killedRun(path.dirname(rig.room.journal.file), 'killed-earlier.jsonl', 7.5);
    const t2 = await login(rig.base, 'therapist');
    expect((await command(rig.base, t2, { type: 'loadPlan', plan: { ...examplePlan, fraction: examplePlan.fraction + 1 } })).status).toBe(200);
  });
});
