/**
 * Short plans for the browser tests, cut from examples/two-beam-step-and-shoot.json: its first beam
 * with the first segments at the MU given, and the fluence summed again from those segments (the plan
 * validator requires the segments to deliver it exactly).
 */
import fs from 'node:fs';
import path from 'node:path';
import { root } from './cli-process.js';

interface Segment { mu: number; rows: Array<[number, number] | null> }

export function shortPlan(segmentMu: readonly number[], doseRateMuPerMin: number): Record<string, unknown> {
  const plan = JSON.parse(fs.readFileSync(path.join(root, 'examples/two-beam-step-and-shoot.json'), 'utf8'));
  const beam = plan.beams[0];
  const segments: Segment[] = segmentMu.map((mu, i) => ({ ...beam.segments[i], mu }));
  const fluence = beam.fluence.map((row: number[]) => row.map(() => 0));
  for (const s of segments) s.rows.forEach((iv, r) => { if (iv) for (let c = iv[0]; c <= iv[1]; c++) fluence[r][c] += s.mu; });
  return { ...plan, planId: `CONSOLE-${segmentMu.join('-')}`, beams: [{ ...beam, doseRateMuPerMin, segments, fluence }] };
}

/** A CBCT registration for the plan (the wire format of src/protocol/registration-message.ts), acquired now. */
export function registrationFor(plan: Record<string, unknown>, id: string, correctionMm: { lateral: number; longitudinal: number; vertical: number }): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    id, patientId: plan.patientId, planId: plan.planId, fraction: plan.fraction, imageSeries: `CBCT-${id}`,
    acquiredAt: now, registeredAt: now, method: 'bony', roiName: 'PTV', frame: 'tableTop',
    correction: { ...correctionMm, pitch: 0, roll: 0, yaw: 0 }, units: { translation: 'mm', rotation: 'deg' }, quality: 0.93, source: 'browser-test',
  };
}
