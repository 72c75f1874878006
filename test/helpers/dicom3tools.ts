/**
 * Third-party readers of the records the bridge writes: dciodvfy (David
 * Clunie's dicom3tools, Debian package) checks a file against its IOD, dcmdump
 * (DCMTK) reads values, so no test reads a record back with the bridge's own code.
 */
import { spawnSync } from 'node:child_process';

export interface IodVerdict {
  /** The IOD dciodvfy checked against (its line without a severity), e.g. RTBeamsTreatmentRecord. */
  readonly iods: string[];
  readonly errors: string[];
  readonly warnings: string[];
  /** Every output line, for failure messages. */
  readonly output: string;
}

/** Runs dciodvfy on a file; an Abort (unreadable file) or an unknown line kind is an error too. */
export function dciodvfy(file: string): IodVerdict {
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  if (r.error) throw r.error;
  const lines = `${r.stdout}${r.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /^(Error|Abort)\b/.test(l));
  const warnings = lines.filter((l) => /^Warning\b/.test(l));
  const iods = lines.filter((l) => !/^(Error|Abort|Warning)\b/.test(l));
  return { iods, errors, warnings, output: lines.join('\n') };
}

/** The values of one tag (every occurrence, nested included) as dcmdump prints them: `dcmdump +P gggg,eeee`. */
export function dcmdumpValues(file: string, tag: string): string[] {
  const r = spawnSync('dcmdump', ['-Un', '+P', tag, '+L', file], { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`dcmdump failed on ${file}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).map((l) => {
    const m = /^\s*\([0-9a-f]{4},[0-9a-f]{4}\) [A-Z]{2} (?:\[(.*?)\]|=(\S+)|\(no value available\))/i.exec(l);
    if (!m) throw new Error(`dcmdump line not understood: ${l}`);
    return m[1] ?? m[2] ?? '';
  });
}
