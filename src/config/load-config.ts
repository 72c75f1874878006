/**
 * Loads and validates the bridge config and the models it names, then freezes
 * them. Any error stops start-up with the file, the key path and the allowed range.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ZodType } from 'zod';
import { BridgeError } from '../core/bridge-error.js';
import { PROJECT_ROOT } from '../core/project-root.js';
import { BridgeConfigSchema, type BridgeConfig } from './bridge-config.js';
import { CouchModelSchema, type CouchModel } from './couch-model.js';
import { MlcModelSchema, type MlcModel } from './mlc-model.js';

export const DEFAULT_CONFIG_DIR = path.join(PROJECT_ROOT, 'config');

export interface LoadedConfig {
  readonly file: string;
  readonly bridge: BridgeConfig;
  readonly mlc: MlcModel;
  readonly couch: CouchModel;
}

export function readValidated<T>(file: string, schema: ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new BridgeError('CONFIG_INVALID', `cannot read JSON: ${(cause as Error).message}`, { field: file, cause });
  }
  const r = schema.safeParse(raw);
  if (r.success) return deepFreeze(r.data);
  const issue = r.error.issues[0];
  const keyPath = issue.path.map(String).join('.') || '(root)';
  const range = describeLimit(issue as unknown as Record<string, unknown>);
  throw new BridgeError('CONFIG_INVALID', `${file}: ${keyPath}: ${issue.message}`, { field: `${path.basename(file)}:${keyPath}`, limit: range });
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
  return Object.freeze({ file, bridge, mlc, couch });
}

export function loadMlcModel(id: string, dir = DEFAULT_CONFIG_DIR): MlcModel {
  return readValidated(modelFile(dir, 'mlc', id), MlcModelSchema);
}

function modelFile(dir: string, kind: 'mlc' | 'couch', id: string): string {
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
