import { describe, expect, it } from 'vitest';
import type { BeamRecord, FractionRecord } from '../../src/bridge/fraction-record.js';
import { beamTermination, treatmentRecordInput } from '../../src/bridge/treatment-record-source.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { RtPlan } from '../../src/domain/plan/rt-plan.js';

const beam = (id: number, delivered: number, segments = 1): BeamRecord => ({
  id, name: `B${id}`, plannedMu: 30, deliveredMu1: delivered, deliveredMu2: delivered, muWithinTolerance: Math.abs(delivered - 30) <= 0.1,
  segments: Array.from({ length: segments }, (_, index) => ({ index, plannedMu: 30 / segments, deliveredMu: delivered / segments, deliveredMu2: delivered / segments, apertureReadback: null })),
  fluence: { maxAbsErrorMu: 0, plannedTotalMu: 0, reconstructedTotalMu: 0 },
});

const record = (o: Partial<FractionRecord>): FractionRecord => ({
  patientId: 'P1', planId: 'PLAN', fraction: 2, outcome: 'complete', startedAt: '2026-11-26T10:00:00.000Z', endedAt: '2026-11-26T10:05:00.000Z',
  beams: [], holds: [], framesRejected: { mlc: 0, couch: 0, beam: 0 }, ...o,
});

describe('the termination of a beam in the treatment record', () => {
  it('is NORMAL for a beam delivered in full, whatever ended the run later', () => {
    expect(beamTermination(beam(1, 30), record({ outcome: 'interrupted', stopReason: 'SIGINT' }))).toEqual({ status: 'NORMAL', code: 'COMPLETE' });
  });

  it.each([
    [{ outcome: 'interrupted', stopReason: 'SIGINT' }, 'OPERATOR', 'SIGINT', /SIGINT.*delivered 12.5 of 30 MU/],
    [{ outcome: 'interrupted', stopReason: 'SIGTERM' }, 'OPERATOR', 'SIGTERM', /SIGTERM/],
    [{ outcome: 'interrupted', stopReason: 'uncaught-exception: boom' }, 'MACHINE', 'INTERNAL-ERROR', /boom/],
    [{ outcome: 'aborted' }, 'OPERATOR', 'ABORTED', /aborted/],
    [{ outcome: 'fault', faultReason: 'IL-MLC-STALE latched' }, 'MACHINE', 'FAULT', /IL-MLC-STALE/],
    [{ outcome: 'timeout', stopReason: 'timeout' }, 'MACHINE', 'TIMEOUT', /timed out/],
    [{ outcome: 'held', holds: [{ causes: ['IL-DOOR-OPEN'], atIso: '2026-11-26T10:01:00.000Z' }] }, 'MACHINE', 'HELD', /IL-DOOR-OPEN and not resumed/],
    [{ outcome: 'held', holds: [{ causes: [], atIso: '2026-11-26T10:01:00.000Z' }] }, 'OPERATOR', 'HELD', /operator/],
    [{ outcome: 'complete' }, 'UNKNOWN', 'MU-TOLERANCE', /12.5/],
  ] as const)('for a beam cut short by %o is %s with code %s and says why', (r, status, code, reason) => {
    const t = beamTermination(beam(1, 12.5), record(r as Partial<FractionRecord>));
    expect(t.status).toBe(status);
    expect(t.code).toBe(code);
    expect(t.code.length).toBeLessThanOrEqual(16); // SH
    expect(t.reason).toMatch(reason);
  });
});

describe('treatmentRecordInput', () => {
  const model = { patientId: 'P1', patientName: 'P^One', planLabel: 'PLAN', toleranceTables: [], beams: [{ number: 1, machine: '' }, { number: 2, machine: '' }] } as unknown as RtPlan;
  const cfg = loadConfig();
  const at = { atIso: '2026-11-26T10:01:00.000Z' };

  it('leaves out beams with nothing delivered and passes each segment its readback samples', () => {
    const input = treatmentRecordInput({
      record: record({ outcome: 'interrupted', stopReason: 'SIGINT', beams: [beam(1, 12.5, 2), beam(2, 0, 0)] }),
      model, format: 'json', operator: 'Doe^Jane', config: cfg, manufacturer: 'm',
      readback: { of: (b, i) => (b === 1 && i === 0 ? { start: at, end: at } : undefined) },
      newUuid: () => '00000000-0000-0000-0000-00000000000a', nowIso: '2026-11-26T10:06:00.000Z',
    });
    expect(input.beams.map((b) => b.number)).toEqual([1]);
    expect(input.beams[0].segments.map((s) => [s.index, s.mu1, s.start?.atIso, s.end?.atIso])).toEqual([[0, 6.25, at.atIso, at.atIso], [1, 6.25, undefined, undefined]]);
    expect(input.beams[0].termination.code).toBe('SIGINT');
    expect(input.uids.sopInstance).toBe('2.25.10');
    expect(input.machineName).toBe(cfg.bridge.machine.names?.[0] ?? 'SIMULATED'); // a JSON plan names no machine
  });
});
