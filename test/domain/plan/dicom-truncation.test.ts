/**
 * DICOM files cut by `head -c` inside their last element: dcmjs reads the value cut short
 * without complaint, so the element walker (dicom-length-check.ts) refuses them first, naming
 * the element and its declared vs available bytes. The last element's length comes from
 * dcmdump (dcmtk), not from the walker.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAllMlcModels } from '../../../src/config/load-config.js';
import { BridgeError } from '../../../src/core/bridge-error.js';
import { readDicomBytes } from '../../../src/domain/plan/dicom/dicom-dataset.js';
import { importRtPlanBytes } from '../../../src/domain/plan/dicom/import-rt-plan.js';
import { refusal } from '../../helpers/refusal.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const dir = path.join(root, 'test/fixtures/rtplan');
const models = loadAllMlcModels();
const FIXTURES = ['dicompyler_rtplan_dmlc_m120.dcm', 'pydicom_rtplan_jaws_only.dcm', 'pymedphys_06MV_plan_agility_static_noP10.dcm', 'derived/agility-2beam-explicit.dcm', 'derived/agility-2beam-bare-explicit.dcm'];

/** The last top-level element as dcmdump prints it: keyword and value length (every fixture ends with a short-VR element: 8-byte header in both syntaxes, PS3.5 7.1.2, 7.1.3). */
function lastElement(file: string): { keyword: string; valueBytes: number } {
  const top = execFileSync('dcmdump', [file], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('('));
  const m = /#\s*(\d+),\s*\d+\s+(\w+)\s*$/.exec(top[top.length - 1]);
  if (!m) throw new Error(`dcmdump line not understood: ${top[top.length - 1]}`);
  return { keyword: m[2], valueBytes: Number(m[1]) };
}

const headC = (file: string, n: number): Buffer => execFileSync('head', ['-c', String(n), file]);


describe('a DICOM file truncated inside its last element', () => {
  it.each(FIXTURES)('%s: refused at every cut point in its last element, naming it', (name) => {
    const file = path.join(dir, name);
    const size = fs.statSync(file).size;
    const last = lastElement(file);
    const elementBytes = 8 + last.valueBytes;
    expect(elementBytes).toBeLessThanOrEqual(64); // bounded: each cut imports the whole plan
    expect(() => importRtPlanBytes(headC(file, size - elementBytes), models)).not.toThrow(); // cut at the element boundary: a whole (shorter) data set
    for (let n = size - elementBytes + 1; n < size; n++) {
      const e = refusal(() => importRtPlanBytes(headC(file, n), models));
      expect([e.code, e.field, e.actual]).toEqual(['PLAN_INVALID', 'dicom', `${n} bytes`]);
      // fewer than 4 bytes of the header: no tag to name yet, the element before is named
      if (n >= size - elementBytes + 4) expect(e.message).toContain(`: ${last.keyword} (`);
      if (n >= size - last.valueBytes) expect(e.message).toContain(`declares ${last.valueBytes} bytes of value, ${n - (size - last.valueBytes)} bytes left in the file`);
    }
  });

  it('names the declared and available bytes in the message', () => {
    const file = path.join(dir, 'derived/agility-2beam-explicit.dcm');
    const e = refusal(() => readDicomBytes(headC(file, fs.statSync(file).size - 4)));
    expect(e.message).toMatch(/after ReferencedStructureSetSequence \(300C,0060\): ApprovalStatus \(300E,0002\) declares 10 bytes of value, 6 bytes left in the file/);
  });
});

describe('a DICOM file with an undefined-length sequence or item never closed', () => {
  it('is refused when cut before its Sequence or Item Delimitation Item (implicit VR bare data set)', () => {
    const file = path.join(dir, 'pymedphys_06MV_plan_agility_static_noP10.dcm'); // the fixture with undefined lengths
    const whole = fs.readFileSync(file);
    const lastSeqEnd = whole.lastIndexOf(Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]));
    expect(lastSeqEnd).toBeGreaterThan(132);
    for (const n of [lastSeqEnd, lastSeqEnd + 4, lastSeqEnd - 8]) {
      expect(refusal(() => readDicomBytes(headC(file, n))).code).toBe('PLAN_INVALID');
    }
  });
});
