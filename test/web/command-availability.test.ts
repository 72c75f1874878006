import { describe, expect, it } from 'vitest';
import { approvalAvailability, blockingInterlocks, commandAvailability, sessionPhase } from '../../web/command-availability.js';

const clear = (id: string) => ({ id, title: id, status: 'clear', reason: '' });
const snap = (state: string, interlocks = [clear('IL-DOOR-OPEN')], registrations: unknown[] = []) => ({ stateVersion: 1, session: { state }, interlocks, registrations });

describe('command availability', () => {
  it('disables every command when the live connection is down, whatever the readback says', () => {
    const a = commandAvailability(snap('ready'), { connected: false, role: 'therapist' });
    for (const v of Object.values(a)) expect(v).toEqual({ enabled: false, why: expect.stringContaining('disconnected') });
  });

  it('offers beam-on in ready with every interlock clear', () => {
    expect(commandAvailability(snap('ready'), { connected: true, role: 'therapist' }).beamOn.enabled).toBe(true);
  });

  it('withholds beam-on and resume while an interlock is active, naming it', () => {
    const door = { id: 'IL-DOOR-OPEN', title: 'door', status: 'active', reason: 'the door is open' };
    const ready = commandAvailability(snap('ready', [door]), { connected: true, role: 'therapist' });
    expect(ready.beamOn).toEqual({ enabled: false, why: expect.stringContaining('IL-DOOR-OPEN') });
    expect(commandAvailability(snap('beamHold', [door]), { connected: true, role: 'therapist' }).resume.enabled).toBe(false);
  });

  it('treats an interlock of unknown status as not clear', () => {
    expect(blockingInterlocks([clear('A'), { id: 'B', status: 'unknown' }])).toEqual(['B']);
  });

  it('offers hold to a physician during a beam but beam-on only to a therapist', () => {
    const a = commandAvailability(snap('beamOn'), { connected: true, role: 'physician' });
    expect(a.hold.enabled).toBe(true);
    expect(commandAvailability(snap('ready'), { connected: true, role: 'physician' }).beamOn.enabled).toBe(false);
  });

  it('offers nothing to a viewer', () => {
    const a = commandAvailability(snap('beamOn'), { connected: true, role: 'viewer' });
    expect(Object.values(a).some((v) => v.enabled)).toBe(false);
  });

  it('offers the couch move only when a registration is approved', () => {
    const link = { connected: true, role: 'therapist' };
    expect(commandAvailability(snap('setup', undefined, [{ id: 'r1', status: 'pending' }]), link).moveCouch.enabled).toBe(false);
    expect(commandAvailability(snap('setup', undefined, [{ id: 'r1', status: 'approved' }]), link).moveCouch.enabled).toBe(true);
  });
});

describe('session phase', () => {
  it('comes from the statechart tags when the bridge sends them, else from the state name', () => {
    expect(sessionPhase({ state: 'setup.settled', tags: ['ready', 'setup'] })).toBe('ready');
    expect(sessionPhase({ state: 'beamHold', tags: [] })).toBe('hold');
    expect(sessionPhase({ state: 'fractionComplete' })).toBe('complete');
    expect(sessionPhase({ state: 'setup.awaitingApproval', tags: ['setup', 'awaiting-approval'] })).toBe('other');
  });
});

describe('couch move after it was done', () => {
  it('is not offered again once the approved correction has been applied', () => {
    const s = snap('setup', undefined, [{ id: 'r1', status: 'approved', moved: true }]);
    expect(commandAvailability(s, { connected: true, role: 'therapist' }).moveCouch.enabled).toBe(false);
  });
});

describe('plan loading', () => {
  it('is offered in idle only', () => {
    const link = { connected: true, role: 'therapist' };
    expect(commandAvailability(snap('idle'), link).loadPlan.enabled).toBe(true);
    expect(commandAvailability({ ...snap('beamHold'), session: { state: 'beamHold', tags: ['hold'] } }, link).loadPlan.enabled).toBe(false);
  });
});

describe('approval of a registration', () => {
  const reg = (classification: string, status = 'pending') => ({ id: 'r', classification, status });

  it('leaves a review-level correction to a physician', () => {
    expect(approvalAvailability(reg('review'), 'therapist')).toEqual({ enabled: false, why: 'a review-level correction needs a physician' });
    expect(approvalAvailability(reg('review'), 'physician').enabled).toBe(true);
  });

  it('lets a therapist or a physician approve an apply-level correction, nobody else', () => {
    expect(approvalAvailability(reg('apply'), 'therapist').enabled).toBe(true);
    expect(approvalAvailability(reg('apply'), 'physician').enabled).toBe(true);
    expect(approvalAvailability(reg('apply'), 'physicist').enabled).toBe(false);
  });

  it('never offers a rejected-class, re-setup or decided registration', () => {
    expect(approvalAvailability(reg('reject'), 'physician').enabled).toBe(false);
    expect(approvalAvailability(reg('re-setup'), 'physician').enabled).toBe(false);
    expect(approvalAvailability(reg('apply', 'superseded'), 'therapist').enabled).toBe(false);
  });
});

describe('re-sending the MLC leaves (repositionMlc)', () => {
  const held = (mlcFresh: boolean) => ({ ...snap('beamHold', [{ id: 'IL-MLC-NOT-IN-POSITION', title: 'MLC', status: 'active', reason: 'leaves not at the segment' }]), session: { state: 'beamHold', tags: ['hold'] }, links: { mlc: { fresh: mlcFresh, detail: '' } } });

  it('is offered to a therapist while the beam is held with the MLC link fresh, although IL-MLC-NOT-IN-POSITION is active', () => {
    expect(commandAvailability(held(true), { connected: true, role: 'therapist' }).repositionMlc).toEqual({ enabled: true, why: '' });
  });

  it('is withheld while the MLC link is stale, outside a hold, from other roles, and when disconnected', () => {
    expect(commandAvailability(held(false), { connected: true, role: 'therapist' }).repositionMlc).toEqual({ enabled: false, why: expect.stringContaining('stale') });
    expect(commandAvailability({ ...snap('beamOn'), links: { mlc: { fresh: true } } }, { connected: true, role: 'therapist' }).repositionMlc.enabled).toBe(false);
    expect(commandAvailability(held(true), { connected: true, role: 'physicist' }).repositionMlc.enabled).toBe(false);
    expect(commandAvailability(held(true), { connected: false, role: 'therapist' }).repositionMlc).toEqual({ enabled: false, why: expect.stringContaining('disconnected') });
  });
});
