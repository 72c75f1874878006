import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedRoom } from '../../src/cli/embedded-room.js';
import { runFraction } from '../../src/bridge/fraction-runner.js';
import { readJournal } from '../../src/journal/journal.js';
import { startRoom } from '../helpers/embedded.js';
import { examplePlan } from '../helpers/session-harness.js';

let embedded: EmbeddedRoom | undefined;
afterEach(async () => {
  await embedded?.close();
  embedded = undefined;
});

/** 4 mm lateral: over the conventional apply level (3 mm), under review (10 mm) and verification (5 mm). */
const REVIEW_LEVEL = { lateralMm: 4, longitudinalMm: 0.5, verticalMm: 0.5, pitchDeg: 0.2, rollDeg: 0.1, yawDeg: 0.2 };

async function run(physician?: string) {
  const e = (embedded = await startRoom());
  const record = await runFraction(e.session, examplePlan, {
    operator: 'rtt',
    physician,
    log: () => undefined,
    timeoutMs: 60_000,
    acquireImage: () => e.room.imaging.acquire({ patientId: examplePlan.patientId, planId: examplePlan.planId, fraction: examplePlan.fraction }, REVIEW_LEVEL),
  });
  e.journal.flush?.();
  return { record, entries: readJournal(e.journal.file).entries };
}

describe('fraction runner: who approves a correction', () => {
  it('does not approve a review-level correction when no physician is named: the run stops unapproved and says why', async () => {
    const { record, entries } = await run();
    expect(record.outcome).toBe('aborted');
    expect(entries.some((e) => e.kind === 'operator' && (e.data as any).type === 'APPROVE')).toBe(false);
    expect(entries.find((e) => e.kind === 'rejection' && (e.data as any).what === 'approval')?.data).toMatchObject({ reason: 'review-level correction and no physician named', operator: 'rtt' });
  });

  it('journals the named physician, not the operator, as the approver of a review-level correction', async () => {
    const { record, entries } = await run('dr-house');
    expect(record.outcome).toBe('complete');
    expect(record.registration?.approvedBy).toBe('dr-house');
    const approvals = entries.filter((e) => e.kind === 'operator' && (e.data as any).type === 'APPROVE').map((e) => e.data);
    expect(approvals).toEqual([expect.objectContaining({ operator: 'dr-house', role: 'physician' })]);
  });
});
