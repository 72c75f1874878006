/** Errors reading machine log files: said once, naming the file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMachineLogs } from '../../src/bridge/machine-log-files.js';
import { BridgeError } from '../../src/core/bridge-error.js';

function refusal(files: string[]): BridgeError {
  try {
    readMachineLogs(files);
  } catch (e) {
    expect(e).toBeInstanceOf(BridgeError);
    return e as BridgeError;
  }
  throw new Error('expected a refusal');
}

const count = (s: string, part: string) => s.split(part).length - 1;

describe('readMachineLogs', () => {
  it('refuses an empty trajectory log naming the file, with its code and field said once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlog-empty-'));
    const file = path.join(dir, 'empty.bin');
    fs.writeFileSync(file, new Uint8Array(0));
    const e = refusal([file]);
    expect([e.code, e.field]).toEqual(['FRAME_MALFORMED', 'tlog.length']);
    expect(e.message).toContain(file);
    expect(count(e.message, '[FRAME_MALFORMED]')).toBe(1);
    expect(count(e.message, 'tlog.length')).toBe(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a corrupt DynaLog pair naming both files, its code said once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlg-bad-'));
    const a = path.join(dir, 'A1.dlg');
    const b = path.join(dir, 'B1.dlg');
    fs.writeFileSync(a, 'not a dynalog\n');
    fs.writeFileSync(b, 'not a dynalog\n');
    const e = refusal([a, b]);
    expect(e.message).toContain(`${a} + ${b}`);
    expect(count(e.message, `[${e.code}]`)).toBe(1);
    if (e.field) expect(count(e.message, e.field)).toBe(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
