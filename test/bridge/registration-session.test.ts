import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RegistrationHttpSource } from '../../src/bridge/registration-sources/http-source.js';
import type { EmbeddedRoom } from '../../src/cli/embedded-room.js';
import { readJournal } from '../../src/journal/journal.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { examplePlan, srsPlan } from '../helpers/session-harness.js';
import { startRoom, stateOf } from '../helpers/embedded.js';
import { until } from '../helpers/wait.js';

let room: EmbeddedRoom | undefined;
afterEach(async () => {
  await room?.close();
  room = undefined;
});

const now = () => new Date().toISOString();
function message(plan = examplePlan, over: Record<string, unknown> = {}): Record<string, any> {
  return {
    id: `r-${Math.random().toString(36).slice(2)}`, patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction, imageSeries: 'CBCT', acquiredAt: now(), registeredAt: now(),
    method: 'bony', roiName: 'PTV', correction: { lateral: 1.2, longitudinal: -0.8, vertical: 0.5, pitch: 0.3, roll: -0.2, yaw: 0.4 }, units: { translation: 'mm', rotation: 'deg' }, quality: 0.9, source: 'test', ...over,
  };
}
const rejections = (e: EmbeddedRoom) => readJournal(e.journal.file).entries.filter((x) => x.kind === 'rejection').map((x) => x.data as { wrongPatient: boolean; error: { code: string; field: string } });

describe('registration rejections at the session', () => {
  const cases: Array<[string, (m: Record<string, any>) => void, string, string]> = [
    ['a wrong patient', (m) => (m.patientId = 'SOMEONE-ELSE'), 'PATIENT_MISMATCH', 'registration.patientId'],
    ['a stale image', (m) => (m.acquiredAt = new Date(Date.now() - 3_600_000).toISOString()), 'REG_STALE', 'registration.acquiredAt'],
    ['NaN', (m) => (m.correction.lateral = Number.NaN), 'REG_INVALID', 'registration.correction.lateral'],
    ['an out-of-range shift', (m) => (m.correction.vertical = 400), 'LIMIT_EXCEEDED', 'registration.correction.vertical'],
    ['unknown units', (m) => (m.units.translation = 'inch'), 'REG_INVALID', 'registration.units.translation'],
    ['degrees labelled as radians', (m) => Object.assign(m, { units: { translation: 'mm', rotation: 'rad' }, correction: { ...m.correction, pitch: 2.5 } }), 'REG_INVALID', 'registration.correction.pitch'],
  ];

  it.each(cases)('rejects %s, leaves the session unchanged and journals it', async (_n, mutate, code, field) => {
    room = await startRoom();
    room.session.loadPlan(examplePlan);
    await until(() => stateOf(room!) === 'setup.awaitingRegistration', 1000, 'awaiting registration');
    const before = room.session.snapshot.context;
    const m = message();
    mutate(m);
    const r = room.session.submitRegistration(m, 'test');
    expect(r.ok).toBe(false);
    expect(stateOf(room)).toBe('setup.awaitingRegistration');
    expect(room.session.snapshot.context.pending).toBe(before.pending);
    const j = rejections(room).at(-1)!;
    expect(j.error).toMatchObject({ code, field });
    expect(j.wrongPatient).toBe(code === 'PATIENT_MISMATCH');
  });

  it('rejects a replayed result: the second copy does nothing', async () => {
    room = await startRoom();
    room.session.loadPlan(examplePlan);
    await until(() => stateOf(room!) === 'setup.awaitingRegistration', 1000, 'awaiting registration');
    const m = message();
    expect(room.session.submitRegistration(m, 'test').ok).toBe(true);
    const pending = room.session.snapshot.context.pending;
    expect(room.session.submitRegistration({ ...m }, 'test')).toMatchObject({ ok: false, error: { field: 'registration.id' } });
    expect(room.session.snapshot.context.pending).toBe(pending);
    expect(rejections(room).at(-1)!.error).toMatchObject({ code: 'REG_INVALID', field: 'registration.id' });
  });

  it('rejects a result registered before the newest accepted one (out of order)', async () => {
    room = await startRoom();
    room.session.loadPlan(examplePlan);
    await until(() => stateOf(room!) === 'setup.awaitingRegistration', 1000, 'awaiting registration');
    expect(room.session.submitRegistration(message(), 'test').ok).toBe(true);
    const older = message(examplePlan, { registeredAt: new Date(Date.now() - 60_000).toISOString() });
    expect(room.session.submitRegistration(older, 'test')).toMatchObject({ ok: false, error: { code: 'REG_STALE', field: 'registration.registeredAt' } });
  });

  it('rejects an image acquired before the couch last moved', async () => {
    room = await startRoom();
    room.session.loadPlan(srsPlan);
    await until(() => stateOf(room!) === 'setup.awaitingRegistration', 1000, 'awaiting registration');
    const acquiredEarly = new Date(Date.now() - 1000).toISOString();
    const first = message(srsPlan, { correction: { lateral: 0.6, longitudinal: 0, vertical: 0, pitch: 0, roll: 0, yaw: 0 } });
    expect(room.session.submitRegistration(first, 'test').ok).toBe(true);
    room.session.approve(first.id, { user: 'rtt', role: 'therapist' });
    await until(() => stateOf(room!) === 'setup.awaitingVerification', 5000, 'awaiting verification');
    const r = room.session.submitRegistration(message(srsPlan, { acquiredAt: acquiredEarly, registeredAt: now() }), 'test');
    expect(r).toMatchObject({ ok: false, error: { code: 'REG_STALE', field: 'registration.acquiredAt' } });
    expect(stateOf(room)).toBe('setup.awaitingVerification');
    expect(rejections(room).at(-1)!.error).toMatchObject({ code: 'REG_STALE', field: 'registration.acquiredAt' });
  });
});

describe('end to end: simulated CBCT → review → approval → couch → verification → beam-on', () => {
  it('permits beam-on only after the physician-approved correction is verified by a second image', async () => {
    room = await startRoom();
    room.room.motion.fixedOffsetMm = [0.3, -0.2, 0.4];
    room.room.motion.start(20);
    room.session.loadPlan(srsPlan);
    const subject = { patientId: srsPlan.patientId, planId: srsPlan.planId, fraction: srsPlan.fraction };
    // 2.0 mm under SRS (apply ≤ 1 mm, review ≤ 3 mm): needs physician review
    room.room.imaging.acquire(subject, { lateralMm: 2, longitudinalMm: -0.5, verticalMm: 0.4, pitchDeg: 0.3, rollDeg: 0.2, yawDeg: -0.3 });
    await until(() => stateOf(room!) === 'setup.awaitingApproval', 2000, 'awaiting approval');
    const reg = room.session.snapshot.context.pending!;
    expect(reg.classification.action).toBe('review');
    room.session.approve(reg.registration.id, { user: 'rtt', role: 'therapist' });
    expect(stateOf(room)).toBe('setup.awaitingApproval'); // a therapist may not approve a review-level correction
    room.session.approve(reg.registration.id, { user: 'dr-who', role: 'physician' });
    await until(() => stateOf(room!) === 'setup.awaitingVerification', 8000, 'couch moved, awaiting verification');
    room.session.send({ type: 'BEAM_ON', operator: 'rtt' });
    expect(room.session.snapshot.context.setupVerified).toBe(false);
    await new Promise((r) => setTimeout(r, 1100)); // an image counts only from maxClockSkewMs (1 s) after readback showed the couch settled
    room.room.imaging.acquire(subject, { lateralMm: 0.3, longitudinalMm: 0.2, verticalMm: -0.1, pitchDeg: 0.1, rollDeg: 0, yawDeg: 0.1 });
    await until(() => stateOf(room!) === 'ready', 5000, 'ready');
    await until(() => room!.session.drivers.beam.latest !== undefined, 1000, 'beam status');
    await new Promise((r) => setTimeout(r, 1100)); // the target has dwelt in its window
    room.session.send({ type: 'BEAM_ON', operator: 'rtt' });
    await until(() => room!.room.beam.status.state === BeamState.BeamOn, 2000, 'beam on');
    const notices = readJournal(room.journal.file).entries.filter((x) => x.kind === 'notice').map((x) => x.data as { kind: string; passed?: boolean });
    expect(notices.find((n) => n.kind === 'verification')).toMatchObject({ passed: true });
  });

  it('refuses an approval that comes after the approval time limit, and never moves the couch', async () => {
    room = await startRoom({}, (b) => (b.registration.approvalTtlMs = 1000));
    room.session.loadPlan(examplePlan);
    room.room.imaging.acquire({ patientId: examplePlan.patientId, planId: examplePlan.planId, fraction: examplePlan.fraction }, { lateralMm: 1.5, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 });
    await until(() => stateOf(room!) === 'setup.awaitingApproval', 2000, 'awaiting approval');
    await new Promise((r) => setTimeout(r, 1100));
    room.session.approve(room.session.snapshot.context.pending!.registration.id, { user: 'rtt', role: 'therapist' });
    expect(stateOf(room)).toBe('setup.awaitingApproval');
    const j = readJournal(room.journal.file).entries;
    expect(j.some((x) => x.kind === 'notice' && (x.data as { kind: string; reason: string }).kind === 'approval-refused' && /limit 1000 ms/.test((x.data as { reason: string }).reason))).toBe(true);
    expect(j.some((x) => x.kind === 'command' && (x.data as { command: string }).command === 'MOVE_COUCH')).toBe(false);
  });
});

describe('intrafraction monitoring over a real stream', () => {
  async function beamOnWithMonitoring(): Promise<EmbeddedRoom> {
    const e = await startRoom({}, (b) => (b.actionLevels.conventional.intrafractionMonitoring = true));
    e.room.motion.fixedOffsetMm = [0, 0, 0];
    e.room.motion.start(20);
    e.session.loadPlan(examplePlan);
    e.room.imaging.acquire({ patientId: examplePlan.patientId, planId: examplePlan.planId, fraction: examplePlan.fraction }, { lateralMm: 1, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 });
    await until(() => stateOf(e) === 'setup.awaitingApproval', 2000, 'approval');
    e.session.approve(e.session.snapshot.context.pending!.registration.id, { user: 'rtt', role: 'therapist' });
    await until(() => stateOf(e) === 'ready', 5000, 'ready');
    await new Promise((r) => setTimeout(r, 1100));
    e.session.send({ type: 'BEAM_ON', operator: 'rtt' });
    await until(() => e.room.beam.status.state === BeamState.BeamOn, 2000, 'beam on');
    return e;
  }

  it('holds the linac when the target leaves its window (a baseline shift)', async () => {
    room = await beamOnWithMonitoring();
    room.room.motion.fixedOffsetMm = [0, 0, 4.5]; // window ± 3 mm
    await until(() => room!.room.beam.status.state === BeamState.Held, 1000, 'linac held');
    expect(room.session.snapshot.context.holdCauses).toContain('IL-MOTION-OUT-OF-WINDOW');
  });

  it('holds the linac when the monitoring stream stops', async () => {
    room = await beamOnWithMonitoring();
    room.room.motion.sending = false;
    await until(() => room!.room.beam.status.state === BeamState.Held, 1000, 'linac held');
    expect(room.session.snapshot.context.holdCauses).toContain('IL-MOTION-STALE');
  });
});

describe('hostile registration bodies at a running session', () => {
  it('refuses 24 KB of nested brackets and a 1 MiB body over HTTP and WebSocket, journals all four with size and depth (not the body), and then accepts a good result', async () => {
    room = await startRoom();
    const src = new RegistrationHttpSource();
    const port = await src.listen();
    room.session.attachRegistrationSource(src.candidates$);
    try {
      room.session.loadPlan(examplePlan);
      await until(() => stateOf(room!) === 'setup.awaitingRegistration', 1000, 'awaiting registration');
      const nested = '['.repeat(12_000) + ']'.repeat(12_000);
      const big = `{"pad":"${'x'.repeat(1024 * 1024)}"}`;
      const url = `http://127.0.0.1:${port}/registrations`;
      expect((await fetch(url, { method: 'POST', body: nested })).status).toBe(400);
      expect((await fetch(url, { method: 'POST', body: big })).status).toBe(413);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/registrations`);
      await new Promise((r) => ws.once('open', r));
      ws.send(nested);
      ws.send(big);
      await new Promise((r) => ws.once('close', r));
      await until(() => rejections(room!).length >= 4, 3000, 'four rejections journaled');
      const j = readJournal(room.journal.file).entries.filter((x) => x.kind === 'rejection').map((x) => x.data as { source: string; error: { code: string; field: string; actual: number }; raw: unknown });
      expect(j.map((r) => [r.source, r.error.code, r.error.field, r.error.actual])).toEqual([
        ['http', 'LIMIT_EXCEEDED', 'registration.body.depth', 12_000],
        ['http', 'LIMIT_EXCEEDED', 'registration.body.bytes', Buffer.byteLength(big)],
        ['ws', 'LIMIT_EXCEEDED', 'registration.body.depth', 12_000],
        ['ws', 'LIMIT_EXCEEDED', 'registration.body.bytes', Buffer.byteLength(big)],
      ]);
      expect(JSON.stringify(j.map((r) => r.raw))).not.toMatch(/\[\[\[|xxxx/);
      expect((await fetch(url, { method: 'POST', body: JSON.stringify(message()) })).status).toBe(202);
      await until(() => room!.session.snapshot.context.pending !== undefined, 3000, 'the good result pending approval');
    } finally {
      await src.close();
    }
  });
});
