import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { watchDropFolder } from '../../src/bridge/registration-sources/folder-source.js';
import { RegistrationHttpSource } from '../../src/bridge/registration-sources/http-source.js';
import { registrationPipeline, type Verdict } from '../../src/domain/registration/registration-pipeline.js';
import { buildRegFixtures, expectedReg, VR_FORMS } from '../helpers/dicom-reg-fixtures.js';
import { PLAN_FRAME, rigidAboutX, spatialRegistrationBytes } from '../helpers/dicom-sro.js';

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
    const geometry = { frameOfReferenceUid: PLAN_FRAME, isocenterLpsMm: [0, 0, 0] as [number, number, number], patientPosition: 'HFS' as const };
    const stream = watchDropFolder({ dir, pollMs: 50, context: () => ({ planId: 'PLAN', fraction: 2, geometry, localTimeZone: 'UTC' }) });
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

describe('drop folder with the dcmtk fixtures (test/fixtures/dicom-reg)', () => {
  const built = buildRegFixtures();
  const expected = expectedReg();
  const names = Object.keys(expected.cases).filter((n) => n !== 'local-time');
  const identity = { patientId: 'PHANTOM-REG', planId: 'PLAN', fraction: 1 };
  const geometry = { frameOfReferenceUid: expected.planFrameUid, isocenterLpsMm: expected.isocenterLpsMm, patientPosition: 'HFS' as const };

  async function drop(files: string[], zone: string, nowIso: string): Promise<Verdict[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-drop-reg-'));
    files.forEach((f, i) => fs.copyFileSync(path.join(built.dir, f), path.join(dir, `${String(i).padStart(2, '0')}-${f}`)));
    const stream = watchDropFolder({ dir, pollMs: 50, context: () => ({ planId: 'PLAN', fraction: 1, geometry, localTimeZone: zone }) });
    const ctx = () => ({ identity, nowEpochMs: Date.parse(nowIso) + 60_000, maxAgeMs: 600_000, maxClockSkewMs: 1000 });
    return firstValueFrom(stream.pipe(registrationPipeline(ctx), take(files.length), toArray()));
  }

  for (const vr of VR_FORMS) {
    it(`${vr} VR: each usable object gives expected.py's correction within 0.001 mm / 0.001°; the others are rejected naming the attribute`, async () => {
      const out = await drop(names.map((n) => `${n}-${vr}.dcm`), 'UTC', '2026-03-15T09:15:00.000Z');
      out.forEach((v, i) => {
        const exp = expected.cases[names[i]];
        if (!exp.usable) {
          expect(v.ok, names[i]).toBe(false);
          expect(!v.ok && v.error.message).toContain(exp.field);
          return;
        }
        expect(v.ok, `${names[i]}: ${!v.ok ? v.error.message : ''}`).toBe(true);
        const got = v.ok ? v.registration.correction : undefined;
        for (const [axis, want] of Object.entries(exp.correction.HFS)) expect(Math.abs((got as unknown as Record<string, number>)[axis] - want), `${names[i]} ${axis}`).toBeLessThan(1e-3);
      });
    });
  }

  it('a REG written in local time without an offset is accepted when read in the configured zone, and stale when read as UTC', async () => {
    const exp = expected.cases['local-time'];
    if (!exp.usable) throw new Error('fixture local-time must be usable');
    const inZone = await drop(['local-time-explicit.dcm'], expected.localTimeZone, exp.registeredAt);
    expect(inZone[0].ok && new Date(inZone[0].registration.registeredAtEpochMs).toISOString()).toBe(exp.registeredAt);
    const asUtc = await drop(['local-time-explicit.dcm'], 'UTC', exp.registeredAt);
    expect(!asUtc[0].ok && asUtc[0].error).toMatchObject({ code: 'REG_STALE', field: 'registration.acquiredAt' });
  });

  it('without a loaded plan a DICOM object is rejected with the reason, and still moves to processed/', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-drop-noplan-'));
    fs.copyFileSync(path.join(built.dir, 'translation-explicit.dcm'), path.join(dir, 'a.dcm'));
    const stream = watchDropFolder({ dir, pollMs: 50, context: () => undefined });
    const [v] = await firstValueFrom(stream.pipe(registrationPipeline(() => ({ identity, nowEpochMs: 0, maxAgeMs: 1, maxClockSkewMs: 1000 })), take(1), toArray()));
    expect(!v.ok && v.error.message).toMatch(/no plan is loaded/);
    expect(fs.readdirSync(path.join(dir, 'processed'))).toHaveLength(1);
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
    const stream = watchDropFolder({ dir, pollMs: 50, context: () => undefined });
    const out = await firstValueFrom(stream.pipe(registrationPipeline(ctx), take(2), toArray()));
    expect(out.map((v) => refusalOf(v)?.field)).toEqual(['registration.body.depth', 'registration.body.bytes']);
    expect(fs.readdirSync(path.join(dir, 'processed'))).toHaveLength(2);
  });
});
