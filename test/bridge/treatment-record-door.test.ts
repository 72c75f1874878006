/**
 * A beam held by the door opening mid-beam, with no resume allowed: the
 * treatment record written from that run says MACHINE / HELD by IL-DOOR-OPEN
 * and carries the MU the simulated linac itself counted (its internal state,
 * not the bridge's readback), read back by dcmdump; dciodvfy finds no error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runFraction } from '../../src/bridge/fraction-runner.js';
import { fullRun } from '../../src/bridge/remaining-work.js';
import { SegmentReadback } from '../../src/bridge/segment-readback.js';
import { writeTreatmentRecord } from '../../src/bridge/write-treatment-record.js';
import type { EmbeddedRoom } from '../../src/cli/embedded-room.js';
import { fromJsonPlan } from '../../src/domain/plan/json-plan.js';
import { BeamState } from '../../src/protocol/beam-protocol.js';
import { dciodvfy, dcmdumpValues } from '../helpers/dicom3tools.js';
import { startRoom, stateOf } from '../helpers/embedded.js';
import { examplePlan } from '../helpers/session-harness.js';
import { until } from '../helpers/wait.js';

let embedded: EmbeddedRoom | undefined;
afterEach(async () => {
  await embedded?.close();
  embedded = undefined;
});

describe('the treatment record of a beam held by the door', () => {
  it('records MACHINE / HELD naming IL-DOOR-OPEN, the MU the linac counted, and the partial segment closing short of its control point', async () => {
    const e = (embedded = await startRoom());
    const readback = new SegmentReadback(e.session.drivers, fullRun(examplePlan));
    readback.start();
    const run = runFraction(e.session, examplePlan, {
      operator: 'rtt', log: () => undefined, timeoutMs: 60_000,
      acquireImage: () => e.room.imaging.acquire({ patientId: examplePlan.patientId, planId: examplePlan.planId, fraction: examplePlan.fraction }, { lateralMm: 1, longitudinalMm: 0, verticalMm: 0, pitchDeg: 0, rollDeg: 0, yawDeg: 0 }),
      resumeAfterHold: { maxResumes: 0, waitMs: 100, giveUpAfterMs: 10_000 },
    });
    // mid-segment 2 of beam 1: past the first segment (18 MU), short of the second's end (32 MU)
    await until(() => e.room.beam.status.state === BeamState.BeamOn && e.room.beam.status.mu1 > 20, 30_000, 'beam on in segment 2');
    e.room.beam.room.doorClosed = false;
    await until(() => stateOf(e) === 'beamHold', 20_000, 'hold');
    const record = await run;
    readback.finish();
    expect(record.outcome).toBe('held');
    const linacMu = e.room.beam.status.mu1;
    const file = writeTreatmentRecord(
      { record, model: fromJsonPlan(examplePlan, e.session.config.mlc), format: 'json', operator: 'rtt', readback, config: e.session.config, manufacturer: 'test' },
      path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-rtrecord-')), 'held.dcm'),
    )!;
    const v = dciodvfy(file);
    expect(v.errors, v.output).toEqual([]);
    expect(dcmdumpValues(file, '3008,002a')).toEqual(['MACHINE']);
    expect(dcmdumpValues(file, '3008,002b')).toEqual(['HELD']);
    expect(dcmdumpValues(file, '300a,0730')[0]).toMatch(/IL-DOOR-OPEN/);
    expect(Math.abs(Number(dcmdumpValues(file, '3008,0036')[0]) - linacMu)).toBeLessThanOrEqual(0.01);
    // segments 1 and 2 delivered (control points 0..3); the last closes short of its 32 MU
    expect(dcmdumpValues(file, '300c,00f0').map(Number)).toEqual([0, 1, 2, 3]);
    const specified = dcmdumpValues(file, '3008,0042').map(Number);
    const delivered = dcmdumpValues(file, '3008,0044').map(Number);
    expect(specified[3]).toBe(32);
    expect(delivered[3]).toBeGreaterThan(20);
    expect(delivered[3]).toBeLessThan(32);
    // every control point carries the MLC readback and the couch readback
    expect(dcmdumpValues(file, '300a,00b8').filter((t) => t === 'MLCX')).toHaveLength(1 + 4);
    expect(dcmdumpValues(file, '300a,0128')).toHaveLength(4);
  }, 120_000); // a real-time beam to 20 MU, a hold and the record: more than the default 20 s on a busy machine
});
