/**
 * Writes the treatment record of a fraction as a Part-10 file (explicit VR
 * little endian): built by domain/records, written here. `target` is a file
 * (written as named), an existing folder (the record is named after the
 * journal inside it) or, absent, the journal's folder: `<journal name>.rtrecord.dcm`
 * beside `<journal name>.jsonl`. Written to a temporary file then renamed,
 * so a reader never sees half a record.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BridgeError } from '../core/bridge-error.js';
import { part10Bytes } from '../domain/records/record-part10.js';
import { treatmentRecordDataset } from '../domain/records/treatment-record.js';
import { treatmentRecordInput, type RecordSource } from './treatment-record-source.js';

export const RECORD_SUFFIX = '.rtrecord.dcm';

/** Where the record of the run journaled in `journalFile` goes. */
export function recordPath(journalFile: string, target?: string): string {
  const name = `${path.basename(journalFile).replace(/\.jsonl$/, '')}${RECORD_SUFFIX}`;
  if (target === undefined) return path.join(path.dirname(journalFile), name);
  return fs.existsSync(target) && fs.statSync(target).isDirectory() ? path.join(target, name) : target;
}

/**
 * Builds and writes the record; returns its path, or undefined when no beam
 * delivered any MU (A.29 needs at least one beam session: there is nothing to
 * record, and the journal says why the run ended). A file that cannot be
 * written is INPUT_INVALID naming it.
 */
export function writeTreatmentRecord(source: RecordSource, file: string): string | undefined {
  const input = treatmentRecordInput(source);
  if (input.beams.length === 0) return undefined;
  const bytes = part10Bytes(treatmentRecordDataset(input));
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (cause) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // the folder itself is unusable: there is no temporary file to remove
    }
    throw new BridgeError('INPUT_INVALID', `cannot write the treatment record: ${(cause as Error).message}`, { field: '--record', actual: file, cause });
  }
  return file;
}
