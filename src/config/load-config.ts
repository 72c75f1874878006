/**
 * Loads and validates the bridge config and the models it names, then freezes
 * them. Any error stops start-up with the file, the key path and the allowed range.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ZodType } from 'zod';
import { BridgeError } from '../core/bridge-error.js';
import { PROJECT_ROOT } from '../core/project-root.js';
import { JSON_LIMITS, parseJsonWithin } from '../core/json-limits.js';
import { BridgeConfigSchema, type BridgeConfig } from './bridge-config.js';
import { CouchModelSchema, type CouchModel } from './couch-model.js';
import { MlcModelSchema, type MlcModel } from './mlc-model.js';
import { issueKeyPath, issueSummary } from './zod-issue.js';

export const DEFAULT_CONFIG_DIR = path.join(PROJECT_ROOT, 'config');

export interface LoadedConfig {
  /** The bridge config file; relative paths in it (journal.dir) are resolved against its folder. */
  readonly file: string;
  readonly bridge: BridgeConfig;
  readonly mlc: MlcModel;
  readonly couch: CouchModel;
}

/** Reads a JSON settings file, its size and nesting checked before parsing; CONFIG_INVALID naming the file otherwise. */
export function readConfigJson(file: string): unknown {
  let text: Buffer;
  try {
    text = fs.readFileSync(file);
  } catch (cause) {
    throw new BridgeError('CONFIG_INVALID', `cannot read: ${(cause as Error).message}`, { field: file, cause });
  }
  const parsed = parseJsonWithin(text, file, JSON_LIMITS.config);
  if (!parsed.ok) throw new BridgeError('CONFIG_INVALID', `cannot read JSON: ${parsed.error.message}`, { field: file, cause: parsed.error });
  return parsed.value;
}

/** Reads `file` (size and nesting checked before parsing), validates it strictly (unknown keys are errors) and freezes it. */
export function readValidated<T>(file: string, schema: ZodType<T>): T {
  const r = schema.safeParse(readConfigJson(file));
  if (r.success) return deepFreeze(r.data);
  const issue = r.error.issues[0];
  const keyPath = issueKeyPath(issue);
  const range = describeLimit(issue as unknown as Record<string, unknown>);
  throw new BridgeError('CONFIG_INVALID', `${file}: ${keyPath}: ${issueSummary(issue)}`, { field: `${path.basename(file)}:${keyPath}`, limit: range });
}

function describeLimit(issue: Record<string, unknown>): string | undefined {
  if (issue.code === 'too_big') return `<= ${String(issue.maximum)}`;
  if (issue.code === 'too_small') return `>= ${String(issue.minimum)}`;
  if (issue.code === 'invalid_type') return `type ${String(issue.expected)}`;
  return undefined;
}

/** Loads `file` (default config/default.json); model files live in `<dir>/mlc` and `<dir>/couch`. */
export function loadConfig(file = path.join(DEFAULT_CONFIG_DIR, 'default.json')): LoadedConfig {
  const bridge = readValidated(file, BridgeConfigSchema);
  const dir = path.dirname(file);
  const mlc = loadMlcModel(bridge.mlcModel, dir);
  const couch = readValidated(modelFile(dir, 'couch', bridge.couchModel), CouchModelSchema);
  return Object.freeze({ file: path.resolve(file), bridge, mlc, couch });
}

/** The journal folder: `journal.dir` resolved against the config file's folder, never the working directory. */
export function journalDir(cfg: Pick<LoadedConfig, 'file' | 'bridge'>): string {
  return path.resolve(path.dirname(cfg.file), cfg.bridge.journal.dir);
}

/** The folder `start` writes treatment records to: `records.dir` resolved like `journal.dir`, else the journal folder. */
export function recordsDir(cfg: Pick<LoadedConfig, 'file' | 'bridge'>): string {
  const dir = cfg.bridge.records?.dir;
  return dir === undefined ? journalDir(cfg) : path.resolve(path.dirname(cfg.file), dir);
}

export function loadMlcModel(id: string, dir = DEFAULT_CONFIG_DIR): MlcModel {
  return readValidated(modelFile(dir, 'mlc', id), MlcModelSchema);
}

/** A couch model by id (checked by pattern: never a path) from `<dir>/couch`. */
export function loadCouchModel(id: string, dir = DEFAULT_CONFIG_DIR): CouchModel {
  return readValidated(modelFile(dir, 'couch', id), CouchModelSchema);
}

/** A model file: `<dir>/<kind>/<id>.json`, or (when the config's folder has no `<kind>/` folder, e.g. examples/hil/) the project's `config/<kind>/`. */
function modelFile(configDir: string, kind: 'mlc' | 'couch', id: string): string {
  const dir = fs.statSync(path.join(configDir, kind), { throwIfNoEntry: false })?.isDirectory() ? configDir : DEFAULT_CONFIG_DIR;
  const file = path.join(dir, kind, `${id}.json`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || !fs.existsSync(file)) {
    const known = fs.existsSync(path.join(dir, kind)) ? fs.readdirSync(path.join(dir, kind)).map((f) => f.replace(/\.json$/, '')) : [];
    throw new BridgeError('CONFIG_INVALID', `unknown ${kind} model`, { field: `${kind}Model`, actual: id, limit: known.join(' | ') || 'none found' });
  }
  return file;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    Object.values(v as object).forEach(deepFreeze);
    Object.freeze(v);
  }
  return v;
}

/** Every MLC model in `<dir>/mlc` (a DICOM plan's MLC is matched against them), sorted by id. */
export function loadAllMlcModels(dir = DEFAULT_CONFIG_DIR): MlcModel[] {
  const folder = path.join(dir, 'mlc');
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder).filter((f) => /^[a-z0-9][a-z0-9-]*\.json$/.test(f)).sort().map((f) => loadMlcModel(f.replace(/\.json$/, ''), dir));
}
