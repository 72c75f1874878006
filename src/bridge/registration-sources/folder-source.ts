/**
 * A watched drop folder: each new `*.json` (a registration message) or
 * `*.dcm` (a DICOM Spatial Registration object, read with dcmjs against the
 * plan loaded when the file is read) becomes a candidate, then moves to
 * `processed/`. Writers must drop files atomically
 * (write elsewhere or as `*.tmp`/`*.part`, then rename); those are ignored.
 * The folder is polled (fs.watch alone misses events on some filesystems).
 */
import fs from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { Observable } from 'rxjs';
import type { Candidate } from '../../domain/registration/registration-pipeline.js';
import { spatialRegistrationToMessage, type DicomRegistrationContext } from '../../domain/registration/spatial-registration.js';
import { isBridgeError } from '../../core/bridge-error.js';
import { JSON_LIMITS, parseJsonWithin, tooLarge } from '../../core/json-limits.js';

export interface DropFolderOptions {
  readonly dir: string;
  readonly pollMs: number;
  /** The loaded plan's identity and geometry and the local zone; undefined when no plan is loaded. */
  readonly context: () => DicomRegistrationContext | undefined;
}

/** Reads a DICOM file into a naturalized dataset (dcmjs; explicit or implicit VR). */
export function readDicomDataset(file: string): Record<string, unknown> {
  const bytes = fs.readFileSync(file);
  const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return DicomMetaDictionary.naturalizeDataset(DicomMessage.readFile(ab).dict) as Record<string, unknown>;
}

function readDicom(file: string, context: DicomRegistrationContext | undefined): unknown {
  try {
    const ds = readDicomDataset(file);
    if (!context) return { unparseable: path.basename(file), reason: 'no plan is loaded: a DICOM registration is read against the plan' };
    return spatialRegistrationToMessage(ds, context);
  } catch (e) {
    // not readable, or not a usable registration: a candidate the pipeline will reject, with the reason
    return { unparseable: path.basename(file), reason: isBridgeError(e) ? e.message : `DICOM read failed: ${(e as Error).message}` };
  }
}

/** Size from the directory entry (a huge file is never read), then depth, then JSON. */
function readJson(file: string, source: string): Candidate {
  const limits = JSON_LIMITS.registration;
  const bytes = fs.statSync(file).size;
  if (bytes > limits.maxBytes) {
    const refusal = tooLarge('registration.body', bytes, limits);
    return { raw: { refused: refusal.field, bytes }, source, refusal };
  }
  const r = parseJsonWithin(fs.readFileSync(file), 'registration.body', limits);
  if (r.ok) return { raw: r.value, source };
  if (r.error.code === 'LIMIT_EXCEEDED') return { raw: { refused: r.error.field, bytes, depth: r.error.actual }, source, refusal: r.error };
  return { raw: { unparseable: path.basename(file), reason: r.error.message }, source };
}

export function watchDropFolder(o: DropFolderOptions): Observable<Candidate> {
  return new Observable<Candidate>((sub) => {
    const done = path.join(o.dir, 'processed');
    fs.mkdirSync(done, { recursive: true });
    const scan = (): void => {
      for (const name of fs.readdirSync(o.dir).sort()) {
        if (name.startsWith('.') || /\.(tmp|part)$/i.test(name)) continue;
        const ext = path.extname(name).toLowerCase();
        if (ext !== '.json' && ext !== '.dcm') continue;
        const file = path.join(o.dir, name);
        const source = `folder:${name}`;
        const candidate = ext === '.json' ? readJson(file, source) : { raw: readDicom(file, o.context()), source };
        fs.renameSync(file, path.join(done, `${Date.now()}-${name}`));
        sub.next(candidate);
      }
    };
    scan();
    const timer = setInterval(scan, o.pollMs);
    let watcher: fs.FSWatcher | undefined;
    try {
      watcher = fs.watch(o.dir, () => scan());
    } catch {
      watcher = undefined; // polling still covers it
    }
    return () => {
      clearInterval(timer);
      watcher?.close();
    };
  });
}
