import { describe, expect, it } from 'vitest';
import { evaluatePermit, observedLatchedFaults, type PermitInput } from '../../src/interlock/evaluate-permit.js';
import { INTERLOCKS, INTERLOCK_IDS, type InterlockId } from '../../src/interlock/interlock-catalogue.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { SessionHarness, SETUP_TARGET } from '../helpers/session-harness.js';

const NOW = 5_000;

function clearInput(): PermitInput {
  const h = new SessionHarness();
  h.t = NOW;
  const leaves = { bankAMm: new Array(60).fill(10), bankBMm: new Array(60).fill(-10) };
  h.room.mlc = leaves;
  h.room.couch = { ...SETUP_TARGET };
  Object.assign(h.room.beam, { state: BeamState.Armed, beamId: 1, presetMu: 60, segmentEndMu: 18 });
  return {
    planLoaded: true, setupVerified: true, approvedCouchTarget: SETUP_TARGET, expectedLeaves: leaves, selectedBeamId: 1, expectedSegmentEndMu: 18,
    expectedPresetMu: 60, expectedDoseRateMuPerMin: 600, irradiationMs: 1_000, backupTimerLimitMs: 8_600,
    latchedFaults: [], evidence: { ...h.evidence(), motion: { lastSampleMs: NOW, inWindow: true, sinceMs: NOW - 2000, offsetMm: [0.5, -0.4, 1.1] } },
    tolerances: { mlcPositionMm: 1, couchTranslationMm: 0.5, couchRotationDeg: 0.2, muChannelDisagreement: { fraction: 0.02, floorMu: 0.1 }, evidenceMaxAgeMs: 300, muOverrunMu: 1, backupTimerFactor: 1.1, backupTimerMarginMs: 2000, motion: { required: true, debounceMs: 100, dwellMs: 1000, staleAfterMs: 150 } },
  };
}

type Breaker = (p: PermitInput) => PermitInput;
const ev = (p: PermitInput, f: (e: any) => void): PermitInput => {
  const e = structuredClone(p.evidence) as any;
  f(e);
  return { ...p, evidence: e };
};

/** One way to break each interlock, and nothing else. */
const BREAK: Record<InterlockId, Breaker> = {
  'IL-PLAN-NOT-LOADED': (p) => ({ ...p, planLoaded: false }),
  'IL-SETUP-NOT-VERIFIED': (p) => ({ ...p, setupVerified: false }),
  'IL-BEAM-NOT-READY': (p) => ({ ...p, expectedSegmentEndMu: 25 }), // linac has 18 MU loaded, the plan says 25
  'IL-DOOR-OPEN': (p) => ev(p, (e) => (e.beam.status.doorClosed = false)),
  'IL-EMERGENCY-STOP': (p) => ev(p, (e) => (e.beam.status.emergencyStop = true)),
  'IL-COUCH-NOT-IN-POSITION': (p) => ev(p, (e) => (e.couch.actual.verticalMm += 0.6)),
  'IL-COUCH-MOVING': (p) => ev(p, (e) => (e.couch.status.moving = true)),
  'IL-COUCH-FAULT': (p) => ev(p, (e) => (e.couch.status.fault = true)),
  'IL-COUCH-MOTION': (p) => ({ ...p, latchedFaults: ['IL-COUCH-MOTION'] }),
  'IL-MLC-NOT-IN-POSITION': (p) => ev(p, (e) => (e.mlc.positions.bankAMm[30] += 1.2)),
  'IL-MLC-FAULT': (p) => ev(p, (e) => (e.mlc.status.fault = true)),
  'IL-MLC-STALE': (p) => ev(p, (e) => (e.links.mlc.lastValidRxMs = NOW - 151)),
  'IL-COUCH-STALE': (p) => ev(p, (e) => (e.links.couch.lastValidRxMs = NOW - 151)),
  'IL-BEAM-STALE': (p) => ev(p, (e) => (e.links.beam.lastValidRxMs = NOW - 151)),
  'IL-DOSE-CHANNELS-DISAGREE': (p) => ev(p, (e) => (e.beam.status.mu2 = e.beam.status.mu1 + 0.6)),
  'IL-MOTION-OUT-OF-WINDOW': (p) => ev(p, (e) => Object.assign(e.motion, { inWindow: false, sinceMs: NOW - 500, offsetMm: [3.5, 0, 0] })),
  'IL-MOTION-STALE': (p) => ev(p, (e) => (e.motion.lastSampleMs = NOW - 151)),
  'IL-LATCHED-FAULT': (p) => ({ ...p, latchedFaults: ['IL-COUCH-FAULT'] }),
  'IL-JOURNAL-UNAVAILABLE': (p) => ev(p, (e) => (e.journal = { writable: false, pendingRecords: 3, lostRecords: 0 })),
  'IL-UNEXPECTED-BEAM': (p) => ({ ...p, latchedFaults: ['IL-UNEXPECTED-BEAM'] }),
  'IL-MU-OVERRUN': (p) => ev(p, (e) => (e.beam.status.mu1 = e.beam.status.mu2 = 19.01)), // segment end 18 + 1 MU
  'IL-BACKUP-TIMER': (p) => ({ ...p, irradiationMs: 8_600 }),
  'IL-PRESET-MISMATCH': (p) => ev(p, (e) => (e.beam.status.presetMu = 600)), // armed with 10 × the plan
};

describe('evaluatePermit', () => {
  it('permits beam-on when every interlock is positively clear', () => {
    expect(evaluatePermit(clearInput(), NOW)).toEqual({ permitted: true, unmet: [], causes: [] });
  });

  it('covers every interlock in the catalogue, each with a reason and a latch policy', () => {
    expect(Object.keys(BREAK).sort()).toEqual([...INTERLOCK_IDS].sort());
    for (const id of INTERLOCK_IDS) expect(INTERLOCKS[id]).toMatchObject({ id, reason: expect.any(String), latch: expect.stringMatching(/permit|hold|latched/) });
  });

  it.each(INTERLOCK_IDS)('vetoes beam-on for %s, and names it', (id) => {
    const r = evaluatePermit(BREAK[id](clearInput()), NOW);
    expect(r.permitted).toBe(false);
    expect(r.unmet).toContain(id);
  });

  it('treats missing evidence as unmet, not as clear', () => {
    const p = clearInput();
    const r = evaluatePermit({ ...p, evidence: { links: p.evidence.links } }, NOW);
    expect(r.unmet).toEqual(expect.arrayContaining(['IL-DOOR-OPEN', 'IL-EMERGENCY-STOP', 'IL-COUCH-NOT-IN-POSITION', 'IL-MLC-NOT-IN-POSITION', 'IL-BEAM-NOT-READY']));
  });

  it('treats door status older than its limit as absent', () => {
    const p = ev(clearInput(), (e) => (e.beam.atMs = NOW - 301));
    expect(evaluatePermit(p, NOW).unmet).toContain('IL-DOOR-OPEN');
  });

  it('treats a NaN leaf readback as out of position', () => {
    const p = ev(clearInput(), (e) => (e.mlc.positions.bankBMm[3] = Number.NaN));
    expect(evaluatePermit(p, NOW).unmet).toContain('IL-MLC-NOT-IN-POSITION');
  });

  it('fails closed on malformed input instead of throwing', () => {
    const r = evaluatePermit({ ...clearInput(), evidence: null as never }, NOW);
    expect(r.permitted).toBe(false);
    expect(r.unmet).toEqual([...INTERLOCK_IDS]);
  });

  it('treats a journal that reports nothing as unavailable', () => {
    expect(evaluatePermit(ev(clearInput(), (e) => delete e.journal), NOW).unmet).toContain('IL-JOURNAL-UNAVAILABLE');
  });

  it('vetoes a linac whose dose rate differs from the plan, and latches it only while that beam is armed', () => {
    const p = ev(clearInput(), (e) => (e.beam.status.doseRateMuPerMin = 60));
    const expect_ = { selectedBeamId: 1, expectedSegmentEndMu: 18, expectedPresetMu: 60, expectedDoseRateMuPerMin: 600 };
    expect(evaluatePermit(p, NOW).unmet).toContain('IL-PRESET-MISMATCH');
    expect(observedLatchedFaults(p.evidence, p.tolerances, NOW, expect_)).toEqual(['IL-PRESET-MISMATCH']);
    const idle = ev(p, (e) => (e.beam.status.state = BeamState.Idle));
    expect(observedLatchedFaults(idle.evidence, idle.tolerances, NOW, expect_)).toEqual([]);
  });

  it('latches an MU overrun only beyond the tolerance and only for the selected beam', () => {
    const expect_ = { selectedBeamId: 1, expectedSegmentEndMu: 18, expectedPresetMu: 60, expectedDoseRateMuPerMin: 600 };
    const at = (mu1: number, mu2: number, beamId = 1) => {
      const p = ev(clearInput(), (e) => Object.assign(e.beam.status, { state: BeamState.SegmentDone, mu1, mu2, beamId }));
      return observedLatchedFaults(p.evidence, p.tolerances, NOW, expect_);
    };
    expect(at(19, 19)).toEqual([]); // 18 + 1 MU: at the tolerance
    expect(at(19.01, 19.01)).toEqual(['IL-MU-OVERRUN']);
    expect(at(18.9, 19.01)).toEqual(['IL-MU-OVERRUN']); // either channel (0.11 MU apart: the channels still agree)
    expect(at(19.01, 19.01, 2)).toEqual([]); // another beam's counts
  });

  it('latches only on positive evidence of a fault, not on missing evidence', () => {
    const p = clearInput();
    expect(observedLatchedFaults({ links: p.evidence.links }, p.tolerances, NOW)).toEqual([]);
    expect(observedLatchedFaults(BREAK['IL-COUCH-FAULT'](p).evidence, p.tolerances, NOW)).toEqual(['IL-COUCH-FAULT']);
  });
});

describe('intrafraction motion in the permit', () => {
  const withMotion = (m: Record<string, unknown>) => ev(clearInput(), (e) => Object.assign(e.motion, m));

  it('does not hold a running beam for an excursion shorter than the debounce', () => {
    const p = withMotion({ inWindow: false, sinceMs: NOW - 80 });
    expect(evaluatePermit(p, NOW, 'running').unmet).not.toContain('IL-MOTION-OUT-OF-WINDOW');
    expect(evaluatePermit(p, NOW + 21, 'running').unmet).toContain('IL-MOTION-OUT-OF-WINDOW');
  });

  it('needs the target back inside for the dwell time before a start or resume', () => {
    expect(evaluatePermit(withMotion({ inWindow: true, sinceMs: NOW - 999 }), NOW, 'start').unmet).toContain('IL-MOTION-OUT-OF-WINDOW');
    expect(evaluatePermit(withMotion({ inWindow: true, sinceMs: NOW - 1000 }), NOW, 'start').unmet).not.toContain('IL-MOTION-OUT-OF-WINDOW');
  });

  it('treats a missing stream as both out of window and stale when monitoring is required', () => {
    const p = ev(clearInput(), (e) => delete e.motion);
    expect(evaluatePermit(p, NOW).unmet).toEqual(expect.arrayContaining(['IL-MOTION-OUT-OF-WINDOW', 'IL-MOTION-STALE']));
  });

  it('does not apply when the protocol does not require monitoring', () => {
    const p = clearInput();
    const q = { ...ev(p, (e) => delete e.motion), tolerances: { ...p.tolerances, motion: { ...p.tolerances.motion!, required: false } } };
    expect(evaluatePermit(q, NOW).permitted).toBe(true);
  });
});

describe('dose-channel agreement, relative with an absolute floor', () => {
  /** A beam armed for a segment ending at `endMu`, channel 1 at `mu1`, channel 2 at `mu2`. */
  const beamAt = (endMu: number, mu1: number, mu2: number): PermitInput => {
    const p = clearInput();
    return { ...ev(p, (e) => Object.assign(e.beam.status, { presetMu: endMu, segmentEndMu: endMu, mu1, mu2 })), expectedSegmentEndMu: endMu };
  };

  it('vetoes and latches a 0.4 MU disagreement in a 2 MU beam (20 %, above the 2 % and the 0.1 MU floor)', () => {
    const p = beamAt(2, 1.9, 2.3);
    expect(evaluatePermit(p, NOW, 'running').unmet).toContain('IL-DOSE-CHANNELS-DISAGREE');
    expect(observedLatchedFaults(p.evidence, p.tolerances, NOW)).toContain('IL-DOSE-CHANNELS-DISAGREE');
  });

  it('lets a 600 MU beam run with channels 1 MU apart (0.17 %, inside 2 % of the reading)', () => {
    const p = beamAt(600, 590, 591);
    expect(evaluatePermit(p, NOW, 'running').unmet).not.toContain('IL-DOSE-CHANNELS-DISAGREE');
    expect(observedLatchedFaults(p.evidence, p.tolerances, NOW)).toEqual([]);
  });

  it('holds a 600 MU beam whose channels are 13 MU apart (2.2 % of 591 MU)', () => {
    expect(evaluatePermit(beamAt(600, 578, 591), NOW, 'running').unmet).toContain('IL-DOSE-CHANNELS-DISAGREE');
  });

  it('judges the start of a beam by the floor: 0.1 MU apart passes, 0.11 MU does not', () => {
    expect(evaluatePermit(beamAt(600, 0, 0.1), NOW, 'running').unmet).not.toContain('IL-DOSE-CHANNELS-DISAGREE');
    expect(evaluatePermit(beamAt(600, 0, 0.11), NOW, 'running').unmet).toContain('IL-DOSE-CHANNELS-DISAGREE');
  });

  it('catches a stuck channel: one channel at 0 while the other reads 50 MU', () => {
    expect(evaluatePermit(beamAt(600, 50, 0), NOW, 'running').unmet).toContain('IL-DOSE-CHANNELS-DISAGREE');
  });

  it('treats a non-finite channel reading as disagreement', () => {
    expect(evaluatePermit(beamAt(600, 10, Number.NaN), NOW, 'running').unmet).toContain('IL-DOSE-CHANNELS-DISAGREE');
  });
});
