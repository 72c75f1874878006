/**
 * The dcmtk-built DICOM Spatial Registration fixtures (test/fixtures/dicom-reg): rebuilt from their
 * text dumps with dump2dcm into a temporary folder, and the expected corrections computed apart
 * (expected.py → expected.json). Independent of the bridge's own DICOM code.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pose6 } from '../../src/core/pose.js';

export const REG_FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'dicom-reg');

/** expected.py's correction: the same fields and units as the bridge's Pose6 (docs/coordinates.md). */
export type ExpectedCorrection = Pose6;
export type ExpectedCase =
  | { readonly usable: true; readonly frames: { registered: string; moving: string }; readonly registeredAt: string; readonly correction: Record<string, ExpectedCorrection> }
  | { readonly usable: false; readonly field: string };
export interface ExpectedFile {
  readonly isocenterLpsMm: [number, number, number];
  readonly planFrameUid: string;
  readonly localTimeZone: string;
  readonly cases: Record<string, ExpectedCase>;
}

export const expectedReg = (): ExpectedFile => JSON.parse(fs.readFileSync(path.join(REG_FIXTURES, 'expected.json'), 'utf8')) as ExpectedFile;

/** Runs build.sh into a fresh temporary folder; returns the folder and build.sh's report (one line per file). */
export function buildRegFixtures(): { dir: string; report: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-reg-fixtures-'));
  const report = execFileSync('bash', [path.join(REG_FIXTURES, 'build.sh'), dir], { encoding: 'utf8' });
  return { dir, report };
}

export const VR_FORMS = ['explicit', 'implicit'] as const;
