/**
 * Writes the treatment record of a fraction as a Part-10 file (explicit VR
 * little endian): built by domain/records, written here. `target` is a file
 * (written as named), an existing folder (the record is named after the
 * journal inside it) or, absent, the journal's folder: `<journal name>.rtrecord.dcm`
 * beside `<journal name>.jsonl`. Written to a temporary file then renamed,
 * so a reader never sees half a record.
 */
import { randomBytes } from 'node:crypto';
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

/**
 * Writes a record's bytes off the event loop (`start`: the control loop must not wait on the
 * disk): a temporary file in the same folder, fsync, then rename onto `file`, so neither a reader
 * nor a crash ever sees half a record. The folder must exist (a configured records folder that is
 * missing is a failure, not created). On failure the temporary file is removed and a BridgeError
 * (INPUT_INVALID, as the synchronous writer) names the file and the system's reason (ENOSPC, EROFS, ENOENT …).
 */
export async function writeRecordFileAsync(bytes: Uint8Array, file: string, field = 'records.dir'): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(tmp, 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.promises.rename(tmp, file);
  } catch (cause) {
    await handle?.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    const e = cause as NodeJS.ErrnoException;
    throw new BridgeError('INPUT_INVALID', `cannot write the treatment record: ${e.message}`.replace(/\s+/g, ' '), { field, actual: file, cause });
  }
}
