/**
 * A watched drop folder: each new `*.json` (a registration message) or
 * `*.dcm` (a DICOM Spatial Registration object, read with dcmjs) becomes a
 * candidate, then moves to `processed/`. Writers must drop files atomically
 * (write elsewhere or as `*.tmp`/`*.part`, then rename); those are ignored.
 * The folder is polled (fs.watch alone misses events on some filesystems).
 */
import fs from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { Observable } from 'rxjs';
import type { Candidate } from '../../domain/registration/registration-pipeline.js';
import { spatialRegistrationToMessage, type DropFolderBinding } from '../../domain/registration/spatial-registration.js';
import { isBridgeError } from '../../core/bridge-error.js';

export interface DropFolderOptions {
  readonly dir: string;
  readonly pollMs: number;
  readonly binding: DropFolderBinding;
}

function readDicom(file: string, binding: DropFolderBinding): unknown {
  const bytes = fs.readFileSync(file);
  try {
    const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const ds = DicomMetaDictionary.naturalizeDataset(DicomMessage.readFile(ab).dict) as Record<string, unknown>;
    return spatialRegistrationToMessage(ds, binding);
  } catch (e) {
    // not readable, or not a usable registration: a candidate the pipeline will reject, with the reason
    return { unparseable: path.basename(file), reason: isBridgeError(e) ? e.message : `DICOM read failed: ${(e as Error).message}` };
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    return { unparseable: path.basename(file), reason: (e as Error).message };
  }
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
        const raw = ext === '.json' ? readJson(file) : readDicom(file, o.binding);
        fs.renameSync(file, path.join(done, `${Date.now()}-${name}`));
        sub.next({ raw, source: `folder:${name}` });
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
