import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { watchDropFolder } from '../../src/bridge/registration-sources/folder-source.js';
import { RegistrationHttpSource } from '../../src/bridge/registration-sources/http-source.js';
import { registrationPipeline, type Verdict } from '../../src/domain/registration/registration-pipeline.js';
import { rigidAboutX, spatialRegistrationBytes } from '../helpers/dicom-sro.js';

const ctx = () => ({ identity: { patientId: 'P1', planId: 'PLAN', fraction: 2 }, nowEpochMs: Date.now(), maxAgeMs: 600_000, maxClockSkewMs: 1_000 });
const msg = (id: string) => ({
  id, patientId: 'P1', planId: 'PLAN', fraction: 2, imageSeries: 'CBCT', acquiredAt: new Date().toISOString(), registeredAt: new Date().toISOString(), method: 'bony', roiName: 'PTV',
  correction: { lateral: 1, longitudinal: 0, vertical: 0, pitch: 0, roll: 0, yaw: 0 }, units: { translation: 'mm', rotation: 'deg' }, quality: 0.9, source: 'x',
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('HTTP and WebSocket source', () => {
  it('queues a POSTed result (202), answers 400-class errors for the wrong route, and streams WebSocket messages', async () => {
    const src = new RegistrationHttpSource();
    const port = await src.listen();
    cleanups.push(() => src.close());
    const verdicts = firstValueFrom(src.candidates$.pipe(registrationPipeline(ctx), take(3), toArray()));
    const ok = await fetch(`http://127.0.0.1:${port}/registrations`, { method: 'POST', body: JSON.stringify(msg('h1')), headers: { 'content-type': 'application/json' } });
    expect(ok.status).toBe(202);
    const bad = await fetch(`http://127.0.0.1:${port}/registrations`, { method: 'POST', body: '{ nope' });
    expect(bad.status).toBe(202); // queued: the pipeline rejects it and the journal records it
    expect((await fetch(`http://127.0.0.1:${port}/other`, { method: 'POST', body: '{}' })).status).toBe(404);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/registrations`);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify(msg('w1')));
    const out: Verdict[] = await verdicts;
    ws.close();
    expect(out.map((v) => [v.ok, v.source])).toEqual([[true, 'http'], [false, 'http'], [true, 'ws']]);
    expect(!out[1].ok && out[1].error.message).toMatch(/not a readable registration/);
  });
});

describe('drop folder source', () => {
  it('reads JSON and DICOM Spatial Registration files, moves them to processed/, and ignores partial files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-drop-'));
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify(msg('f1')));
    fs.writeFileSync(path.join(dir, 'b.dcm'), spatialRegistrationBytes({ sopInstanceUid: '1.2.3.9', patientId: 'P1', matrix: rigidAboutX(1, [1, -2, 3]) }));
    fs.writeFileSync(path.join(dir, 'c.json.part'), '{');
    fs.writeFileSync(path.join(dir, 'd.json'), '{ broken');
    const stream = watchDropFolder({ dir, pollMs: 50, binding: { planId: 'PLAN', fraction: 2, patientPosition: 'HFS', matrixSense: 'patient-correction' } });
    const out = await firstValueFrom(stream.pipe(registrationPipeline(ctx), take(3), toArray()));
    expect(out.map((v) => [v.ok, v.source])).toEqual([[true, 'folder:a.json'], [true, 'folder:b.dcm'], [false, 'folder:d.json']]);
    const dicom = out[1].ok ? out[1].registration : undefined;
    expect(dicom?.correction.longitudinalMm).toBeCloseTo(3, 9);
    expect(dicom?.correction.verticalMm).toBeCloseTo(2, 9);
    expect(dicom?.correction.pitchDeg).toBeCloseTo(1, 9);
    expect(fs.readdirSync(dir).sort()).toEqual(['c.json.part', 'processed']);
    expect(fs.readdirSync(path.join(dir, 'processed'))).toHaveLength(3);
  });
});
