/**
 * Faults the session itself must catch: a couch that stalls during the setup
 * move, registrations that are stale or for another patient arriving
 * mid-beam (refused, journaled, the beam undisturbed), and a journal on a disk
 * that fills mid-beam (a hold; nothing lost once the disk takes writes).
 */
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { startFaultRoom } from './fault-room.js';
import { beamPeriodMs, midBeam, VENDOR_HOLD_MS } from './fault-mid-beam.js';
import { Checks, CORRECTION, commandsJournaled, deviceEvents, entries, finish, interlocksOf, longPlan, ofKind, subjectOf, type FaultScenario, type ScenarioResult } from './fault-scenario.js';
import { diskThatFills } from './room-with-journal.js';

const rejections = (f: Parameters<typeof entries>[0]) => ofKind(entries(f), 'rejection').map((d) => ({ code: d.error?.code as string, wrongPatient: d.wrongPatient as boolean }));

const couchStall: FaultScenario = {
  name: 'couch-stall', injected: 'couch lateral axis stalls during the approved setup move (time: approval → fault with the couch stopped)',
  async run(): Promise<ScenarioResult> {
    const f = await startFaultRoom();
    const checks = new Checks();
    let ms: number | null = null;
    try {
      f.session.loadPlan(longPlan);
      await checks.until(() => f.state() === 'setup.awaitingRegistration', 3000, 'awaiting registration');
      f.room.couch.faults.stalledAxis = 'lateralMm';
      f.room.imaging.acquire(subjectOf(longPlan), { ...CORRECTION, lateralMm: 2.5 });
      await checks.until(() => f.state() === 'setup.awaitingApproval', 3000, 'awaiting approval');
      const t0 = performance.now();
      f.session.approve(f.session.snapshot.context.pending!.registration.id, { user: 'faults', role: 'therapist' });
      if (await checks.until(() => f.state() === 'fault' && !f.room.couch.moving, 10_000, 'fault with the couch stopped')) ms = performance.now() - t0;
      checks.includes(interlocksOf(f), 'IL-COUCH-MOTION', 'interlocks');
      const es = entries(f);
      checks.includes(deviceEvents(es, 'couch'), 'motion-fault', 'journaled couch events');
      checks.includes(commandsJournaled(es), 'STOP_COUCH', 'journaled commands');
      checks.that(!f.watch.commands.some((c) => c.cmd === 'BeamOn') && f.room.beam.status.state !== BeamState.BeamOn, 'no beam');
    } catch (e) {
      checks.that(false, `scenario error: ${(e as Error).message}`);
    }
    const r = await finish(f, { name: this.name, injected: this.injected, detected: interlocksOf(f).join(' '), action: commandsJournaled(entries(f)).includes('STOP_COUCH') ? 'STOP_COUCH (no beam)' : 'none' }, checks);
    return { ...r, msToSafeState: ms === null ? null : Math.round(ms * 10) / 10 };
  },
};

function refusedMidBeam(name: string, injected: string, code: string, overrides: (now: number) => Record<string, unknown>, ci = false): FaultScenario {
  return midBeam({
    name, injected, ci, beamStaysOn: true,
    deadlineMs: (f) => beamPeriodMs(f) + VENDOR_HOLD_MS,
    inject: (f) => {
      const o = overrides(Date.now());
      f.room.imaging.acquire({ ...subjectOf(longPlan), ...(o.subject as object) }, CORRECTION, o.message as object);
    },
    state: 'beamOn', linac: [BeamState.BeamOn], interlocks: [],
    async after(f, checks) {
      await checks.until(() => rejections(f).length > 0, 2000, 'rejection journaled');
      checks.equal(rejections(f)[0], { code, wrongPatient: code === 'PATIENT_MISMATCH' }, 'rejection');
      await new Promise((r) => setTimeout(r, 200));
      checks.equal(f.state(), 'beamOn', 'the beam goes on undisturbed');
      checks.equal(f.room.beam.status.state, BeamState.BeamOn, 'linac still on');
      checks.equal(ofKind(entries(f), 'registration').length, 1, 'only the setup registration accepted');
    },
    detected: (f) => rejections(f).map((r) => r.code).join(' ') || 'nothing',
  });
}

/** The journal's file operations in the disk-full scenario (one run at a time). */
const disk = diskThatFills();

const journalFull = midBeam({
  name: 'journal-disk-full', injected: 'journal writes fail with ENOSPC mid-beam, then the disk takes writes again', ci: true,
  room: { io: disk },
  deadlineMs: (f) => beamPeriodMs(f) + VENDOR_HOLD_MS, // the next record written (a beam status at the latest) finds the disk full
  inject: () => void (disk.full = true),
  state: 'beamHold', linac: [BeamState.Held], interlocks: ['IL-JOURNAL-UNAVAILABLE'],
  async after(f, checks) {
    disk.full = false;
    await checks.until(() => f.journal.status().writable && f.session.snapshot.context.evidence.journal?.writable === true, 2000, 'journal writable again');
    const es = entries(f);
    checks.includes(commandsJournaled(es), 'HOLD_BEAM', 'journaled commands (written after the disk recovered)');
    checks.equal(ofKind(es, 'journal').map((d) => d.event), ['write-failed', 'writable-again'], 'journal notes');
    const heldAt = f.room.beam.status.mu1;
    f.watch.stop();
    f.session.send({ type: 'RESUME', operator: 'faults' });
    await checks.until(() => f.room.beam.status.mu1 > heldAt, 3000, 'beam resumed after RESUME');
  },
});

export const sessionScenarios: FaultScenario[] = [
  couchStall,
  refusedMidBeam('wrong-patient-registration', 'a registration for another patient arrives mid-beam', 'PATIENT_MISMATCH', () => ({ subject: { patientId: 'SOMEONE-ELSE' } }), true),
  refusedMidBeam('stale-registration', 'a registration acquired 20 min ago arrives mid-beam (limit 10 min)', 'REG_STALE', (now) => {
    const old = new Date(now - 20 * 60_000).toISOString();
    return { message: { acquiredAt: old, registeredAt: old } };
  }),
  journalFull,
];
