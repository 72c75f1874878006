/**
 * Hardware in the loop through the console API: four simulator processes, `start --config`
 * on the links they print, and a fraction driven over HTTP and the live WebSocket only.
 * A simulator process killed (SIGKILL) or frozen (SIGSTOP) mid-beam: the API reports the
 * link stale, the beam held and IL-MLC-STALE active; RESUME is refused while the link is
 * stale, and once the device is back nothing resumes until a therapist says so (after a restart,
 * only once the therapist has re-sent the segment's leaves: repositionMlc).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { root } from '../helpers/cli-process.js';
import { ApiUser, HIL_PLAN, startHilConsole, type HilConsole } from '../helpers/hil-console.js';
import { until } from '../helpers/wait.js';

let rig: HilConsole | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const plan = JSON.parse(fs.readFileSync(path.join(root, HIL_PLAN), 'utf8'));
/** The plan's MU per beam, from the plan file (what the bridge was asked to deliver). */
const plannedMu = new Map<string, number>(plan.beams.map((b: any) => [String(b.id), b.segments.reduce((s: number, g: any) => s + g.mu, 0)]));
const TOLERANCE_MU = 0.1; // tolerances.deliveredMuToleranceMu in examples/hil/room.json

function expectOk(r: { status: number; body: any }, what: string): void {
  expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(200);
}

const allClear = (u: ApiUser) => () => (u.topic('interlocks') ?? []).every((i: any) => i.status === 'clear');

/** Load the plan, approve the imaging simulator's registration, move the couch: the session ready. */
async function setUp(h: HilConsole, rtt: ApiUser): Promise<void> {
  expectOk(await rtt.send({ type: 'loadPlan', plan }), 'loadPlan');
  await until(() => rtt.hasTag('setup'), 20_000, 'setup');
  h.sims.imaging.acquire(); // the imaging device publishes a registration on its link
  const pending = () => (rtt.topic('registrations') ?? []).find((r: any) => r.status === 'pending');
  await until(() => rtt.hasTag('awaiting-approval') && pending() !== undefined, 30_000, 'the registration awaiting approval');
  const reg = pending();
  expect(reg.source).toBe('sim-cbct'); // from the imaging simulator's process, over its link
  expectOk(await rtt.send({ type: 'approveRegistration', registrationId: reg.id }), 'approveRegistration');
  expectOk(await rtt.send({ type: 'moveCouch', registrationId: reg.id }), 'moveCouch');
  await until(() => rtt.hasTag('ready'), 60_000, 'ready (couch in position, MLC at the first segment)');
}

/** Arm the current beam and switch it on once the interlock panel shows every interlock clear. */
async function beamOn(rtt: ApiUser): Promise<void> {
  await until(() => rtt.hasTag('ready'), 60_000, 'ready for the next beam');
  expectOk(await rtt.send({ type: 'arm' }), 'arm');
  await until(allClear(rtt), 30_000, 'every interlock clear');
  expectOk(await rtt.send({ type: 'beamOn' }), 'beamOn');
}

/**
 * The linac's final counts of each beam, as the live `beam` topic shows them: the hub coalesces
 * only readbacks of the same beam and state, so each beam's `Complete` readback reaches the socket
 * even when the next beam is armed within the same control cycle.
 */
function completedByBeam(rtt: ApiUser): Map<string, { mu1: number; mu2: number }> {
  const out = new Map<string, { mu1: number; mu2: number }>();
  for (const m of rtt.live.messages) if (m.type === 'update' && m.topic === 'beam' && m.data.state === 'Complete') out.set(String(m.data.beamId), m.data);
  return out;
}

/**
 * Waits for `cond`, resuming as a therapist would when the machine's own load held the beam: on a
 * busy 2-core machine a stalled event loop can let a link go stale for a moment (fail-safe: a hold).
 * Such a hold names only stale links or the linac's unconfirmed beam-on; it is resumed once every
 * interlock shows clear again (at most five times, each logged). Any other hold fails the test.
 */
async function untilResumingLoadHolds(rtt: ApiUser, cond: () => boolean, what: string): Promise<void> {
  for (let resumes = 0; ; resumes++) {
    await until(() => cond() || (rtt.caughtUp() && rtt.hasTag('hold') && allClear(rtt)()), 120_000, what).catch((e: Error) => {
      const unclear = (rtt.topic('interlocks') ?? []).filter((i: any) => i.status !== 'clear').map((i: any) => `${i.id} ${i.status}`);
      throw new Error(`${e.message}; session ${JSON.stringify(rtt.session())}, beam ${JSON.stringify(rtt.topic('beam'))}, not clear: ${unclear.join(', ')}`);
    });
    if (cond()) return;
    const causes: string[] = rtt.session().holdCauses;
    expect(causes.every((c) => c.endsWith('-STALE') || c === 'IL-BEAM-NOT-READY'), `a hold not caused by load: ${causes.join(', ')}`).toBe(true);
    expect(resumes, 'load holds resumed').toBeLessThan(5);
    console.log(`load hold (${causes.join(', ')}) resumed while waiting for ${what}`);
    expectOk(await rtt.send({ type: 'resume' }), 'resume after a load hold');
  }
}

/** Both beams, then the fraction complete on the live socket; MU of both channels checked against the plan. */
async function finishFraction(rtt: ApiUser): Promise<void> {
  await untilResumingLoadHolds(rtt, () => rtt.hasTag('complete') || (rtt.session()?.beamIndex === 1 && !rtt.hasTag('hold')), 'the first beam delivered');
  if (!rtt.hasTag('complete')) await beamOn(rtt);
  await untilResumingLoadHolds(rtt, () => rtt.hasTag('complete'), 'the fraction complete');
  expect(rtt.session().state).toBe('fractionComplete');
  const last = String(plan.beams[plan.beams.length - 1].id);
  await until(() => completedByBeam(rtt).has(last), 5000, 'the last beam Complete on the live beam topic');
  const delivered = completedByBeam(rtt);
  expect([...delivered.keys()].sort()).toEqual([...plannedMu.keys()].sort());
  for (const [id, mu] of plannedMu) {
    expect(Math.abs(delivered.get(id)!.mu1 - mu), `${id} channel 1`).toBeLessThanOrEqual(TOLERANCE_MU);
    expect(Math.abs(delivered.get(id)!.mu2 - mu), `${id} channel 2`).toBeLessThanOrEqual(TOLERANCE_MU);
  }
}

describe('start --config on four simulator processes, driven through the console API', () => {
  it('delivers a two-beam fraction from login to completion through HTTP and the live socket alone', async () => {
    const h = (rig = await startHilConsole(2));
    const rtt = await ApiUser.login(h.base, 'rtt');
    await until(() => ['mlc', 'beam', 'couch'].every((d) => rtt.topic('links')?.[d].fresh), 30_000, 'the three device links fresh');
    await setUp(h, rtt);
    await beamOn(rtt);
    await finishFraction(rtt);
  }, 300_000);

  const after = {
    SIGKILL: 'restarted on its port, the link is fresh again, nothing resumes by itself, RESUME is still refused on the MLC leaves the new process reports (IL-MLC-NOT-IN-POSITION) until the therapist re-sends them (repositionMlc), and then resumes the beam to the end of the fraction',
    SIGSTOP: "continued (SIGCONT), the link is fresh again, nothing resumes by itself, a physicist's RESUME is forbidden and the therapist's resumes the beam to the end of the fraction",
  };
  for (const fault of ['SIGKILL', 'SIGSTOP'] as const) {
    it(`holds the beam when the MLC simulator process gets ${fault} mid-beam: the API reports the link stale and IL-MLC-STALE active, refuses RESUME while stale; ${after[fault]}`, async () => {
      const h = (rig = await startHilConsole(1));
      const rtt = await ApiUser.login(h.base, 'rtt');
      const phys = await ApiUser.login(h.base, 'phys');
      await setUp(h, rtt);
      await beamOn(rtt);
      await until(() => rtt.session()?.state === 'beamOn' && rtt.topic('beam')?.state === 'BeamOn' && rtt.topic('beam').mu1 >= 2, 60_000, 'the first beam on');

      const t0 = performance.now();
      if (fault === 'SIGKILL') await h.sims.mlc.kill();
      else h.sims.mlc.child.kill('SIGSTOP');
      await until(() => rtt.hasTag('hold'), 30_000, 'the API reporting the hold');
      const holdMs = performance.now() - t0;
      await until(() => rtt.topic('links').mlc.fresh === false, 30_000, 'the API reporting the MLC link stale');
      const staleMs = performance.now() - t0;
      console.log(`${fault} → API session hold ${holdMs.toFixed(0)} ms, links.mlc.fresh false ${staleMs.toFixed(0)} ms`);

      expect(rtt.topic('links').mlc.detail).toMatch(/STALE/);
      expect(rtt.session()).toMatchObject({ state: 'beamHold', holdCauses: expect.arrayContaining(['IL-MLC-STALE']) });
      expect(rtt.interlock('IL-MLC-STALE')).toMatchObject({ status: 'active', reason: expect.stringMatching(/MLC link/) });
      await until(() => rtt.topic('beam').state === 'Held', 30_000, 'the linac reporting the beam held (readback)').catch((e: Error) => {
        throw new Error(`${e.message}; beam ${JSON.stringify(rtt.topic('beam'))}, session ${JSON.stringify(rtt.session())}`);
      });
      const refused = await rtt.send({ type: 'resume' });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'REFUSED', message: expect.stringContaining('IL-MLC-STALE') });
      expect(rtt.hasTag('hold')).toBe(true);

      if (fault === 'SIGKILL') await h.restartSim('mlc');
      else h.sims.mlc.child.kill('SIGCONT');
      await until(() => rtt.topic('links').mlc.fresh === true, 30_000, 'the MLC link fresh again');
      // the device is back: nothing resumes by itself. The held beam's readback does not change; the
      // couch's does (encoder noise on every read), so five more couch readbacks mark time passing
      const seen = rtt.live.messages.length;
      await until(() => rtt.live.messages.slice(seen).filter((m) => m.topic === 'couch').length >= 5, 30_000, 'five more couch readbacks');
      expect(rtt.hasTag('hold')).toBe(true);
      expect(rtt.topic('beam').state).toBe('Held');
      const byPhysicist = await phys.send({ type: 'resume' });
      expect(byPhysicist.status).toBe(403);
      expect(byPhysicist.body.error.code).toBe('ROLE_FORBIDDEN');

      if (fault === 'SIGKILL') {
        // the restarted controller reports its leaves where it powers up, not at the segment: the
        // permit still refuses (nothing repositions by itself in a hold); the therapist re-sends the
        // segment's leaves, which a physicist may not
        await until(() => rtt.interlock('IL-MLC-NOT-IN-POSITION')?.status === 'active', 30_000, 'IL-MLC-NOT-IN-POSITION active');
        const again = await rtt.send({ type: 'resume' });
        expect(again.status).toBe(409);
        expect(again.body.error.message).toContain('IL-MLC-NOT-IN-POSITION');
        expect(again.body.error.message).not.toContain('IL-MLC-STALE');
        expect((await phys.send({ type: 'repositionMlc' })).status).toBe(403);
        expectOk(await rtt.send({ type: 'repositionMlc' }), 'repositionMlc');
        await until(() => rtt.interlock('IL-MLC-NOT-IN-POSITION')?.status === 'clear', 30_000, 'the new process reporting the leaves at the segment');
        expect(rtt.hasTag('hold')).toBe(true); // in position, still held: the therapist resumes
        expect(rtt.topic('beam').state).toBe('Held');
      }
      await until(allClear(rtt), 30_000, 'every interlock clear');
      expectOk(await rtt.send({ type: 'resume' }), 'resume by the therapist');
      await finishFraction(rtt);
    }, 300_000);
  }
});
