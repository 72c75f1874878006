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

const ctx = () => ({ identity: { patientId: 'P1', planId: 'PLAN', fraction: 2 }, nowEpochMs: Date.now(), maxAgeMs: 600_000 });
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

const NESTED = '['.repeat(12_000) + ']'.repeat(12_000);
const ONE_MIB = `{"pad":"${'x'.repeat(1024 * 1024 - 10)}"}`;

const refusalOf = (v: Verdict) => (v.ok ? undefined : { code: v.error.code, field: v.error.field, actual: v.error.actual, raw: v.raw });

describe('oversized and deeply nested input is refused before parsing, and the refusal is a verdict', () => {
  it('over HTTP: 24 KB of nested brackets (400) and a 1 MiB body (413) are refused with their depth and size; the source keeps serving', async () => {
    const src = new RegistrationHttpSource();
    const port = await src.listen();
    cleanups.push(() => src.close());
    const verdicts = firstValueFrom(src.candidates$.pipe(registrationPipeline(ctx), take(3), toArray()));
    const url = `http://127.0.0.1:${port}/registrations`;
    expect((await fetch(url, { method: 'POST', body: NESTED })).status).toBe(400);
    expect((await fetch(url, { method: 'POST', body: ONE_MIB })).status).toBe(413);
    expect((await fetch(url, { method: 'POST', body: JSON.stringify(msg('after')) })).status).toBe(202);
    const out = await verdicts;
    expect(refusalOf(out[0])).toEqual({ code: 'LIMIT_EXCEEDED', field: 'registration.body.depth', actual: 12_000, raw: { refused: 'registration.body.depth', bytes: 24_000, depth: 12_000 } });
    expect(refusalOf(out[1])).toMatchObject({ code: 'LIMIT_EXCEEDED', field: 'registration.body.bytes', actual: Buffer.byteLength(ONE_MIB) });
    expect(JSON.stringify(out[1])).not.toContain('xxxx'); // the body is not kept
    expect(out[2].ok).toBe(true);
  });

  it('over WebSocket: the nested message and a 1 MiB message are refused (the latter closes with 1009); a new connection is served', async () => {
    const src = new RegistrationHttpSource();
    const port = await src.listen();
    cleanups.push(() => src.close());
    const verdicts = firstValueFrom(src.candidates$.pipe(registrationPipeline(ctx), take(3), toArray()));
    const open = async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/registrations`);
      await new Promise((r) => ws.once('open', r));
      return ws;
    };
    const a = await open();
    a.send(NESTED);
    a.send(ONE_MIB);
    const closeCode = await new Promise<number>((r) => a.once('close', (code: number) => r(code)));
    expect(closeCode).toBe(1009);
    const b = await open();
    b.send(JSON.stringify(msg('w2')));
    const out = await verdicts;
    b.close();
    expect(out.map(refusalOf)).toEqual([
      { code: 'LIMIT_EXCEEDED', field: 'registration.body.depth', actual: 12_000, raw: { refused: 'registration.body.depth', bytes: 24_000, depth: 12_000 } },
      { code: 'LIMIT_EXCEEDED', field: 'registration.body.bytes', actual: Buffer.byteLength(ONE_MIB), raw: { refused: 'registration.body.bytes', bytes: Buffer.byteLength(ONE_MIB) } },
      undefined,
    ]);
  });

  it('from the drop folder: a deep file and a 1 MiB file are refused (the big one is never read) and moved to processed/', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-drop-'));
    fs.writeFileSync(path.join(dir, 'a.json'), NESTED);
    fs.writeFileSync(path.join(dir, 'b.json'), ONE_MIB);
    const stream = watchDropFolder({ dir, pollMs: 50, binding: { planId: 'PLAN', fraction: 2, patientPosition: 'HFS', matrixSense: 'patient-correction' } });
    const out = await firstValueFrom(stream.pipe(registrationPipeline(ctx), take(2), toArray()));
    expect(out.map((v) => refusalOf(v)?.field)).toEqual(['registration.body.depth', 'registration.body.bytes']);
    expect(fs.readdirSync(path.join(dir, 'processed'))).toHaveLength(2);
  });
});
