/**
 * Loads the plan a fraction delivers from a file: the project's JSON plan
 * (validate-plan.ts, unchanged) or a DICOM RT Plan (import, checks against the
 * machine, then the delivery plan). A file whose first non-blank byte is `{` is
 * JSON (isJsonPlanFile); anything else is read as DICOM (Part-10 or a bare data set).
 *
 *   bytes ─▶ importRtPlan (MLC matched among config/mlc/*.json)
 *         ─▶ assertPlanDeliverable (machine beams, MLC, weights, leaves, jaws)
 *         ─▶ toDeliveryPlan (STATIC beams only) ─▶ validatePlan
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import { loadAllMlcModels } from '../config/load-config.js';
import { BridgeError } from '../core/bridge-error.js';
import { importRtPlanBytes } from '../domain/plan/dicom/import-rt-plan.js';
import { toDeliveryPlan } from '../domain/plan/delivery-plan.js';
import { fromJsonPlan } from '../domain/plan/json-plan.js';
import type { Plan } from '../domain/plan/plan.js';
import { assertPlanDeliverable, type MachineContext } from '../domain/plan/plan-checks.js';
import type { RtBeam, RtPlan } from '../domain/plan/rt-plan.js';
import { loadPlanFile } from '../domain/plan/validate-plan.js';

/** A DICOM RT Plan larger than this is refused before reading, bytes. */
export const MAX_RTPLAN_BYTES = 64 * 1024 * 1024;

export interface LoadedPlan {
  readonly format: 'json' | 'dicom';
  /** The plan model (for a JSON plan: derived from it). */
  readonly model: RtPlan;
  /** What the session delivers. */
  readonly plan: Plan;
}

export const machineContext = (cfg: LoadedConfig): MachineContext => ({ machine: cfg.bridge.machine, mlc: cfg.mlc, delivery: cfg.bridge.delivery });

/** Reads a plan file's bytes; a missing, unreadable or oversized file is INPUT_INVALID / LIMIT_EXCEEDED naming it. */
export function readPlanBytes(file: string, maxBytes = MAX_RTPLAN_BYTES): Buffer {
  try {
    const size = fs.statSync(file).size;
    if (size > maxBytes) throw new BridgeError('LIMIT_EXCEEDED', 'plan file too large', { field: `${file}.bytes`, actual: size, limit: maxBytes, unit: 'bytes' });
    return fs.readFileSync(file);
  } catch (cause) {
    if (cause instanceof BridgeError) throw cause;
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    throw new BridgeError('INPUT_INVALID', `cannot read the plan: ${reason}`, { field: file, cause });
  }
}

/**
 * True when the file's first non-blank byte is `{` (a JSON plan), or when it
 * cannot be read (the JSON path then reports that, as it always has).
 */
export function isJsonPlanFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(256);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    for (const b of head.subarray(0, n)) {
      if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
      return b === 0x7b;
    }
    return n === 0;
  } catch {
    return true;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Imports a DICOM RT Plan against every configured MLC model (no machine checks). */
export function importRtPlanFile(file: string, cfg: LoadedConfig): RtPlan {
  return importRtPlanBytes(readPlanBytes(file), loadAllMlcModels(path.dirname(cfg.file)), `dicom(${path.basename(file)})`);
}

/** The dose rate for a beam whose plan gives none: the maximum of its energy on this machine. */
export function defaultDoseRate(cfg: LoadedConfig, beam: RtBeam): number {
  const e = beam.energy;
  return cfg.bridge.machine.beams.find((m) => m.radiationType === e.radiationType && m.nominal === e.nominal && m.fluenceMode === e.fluenceMode)?.maxDoseRateMuPerMin ?? cfg.bridge.simulation.doseRateMuPerMin;
}

/** A checked model → the delivery plan (STATIC beams only). `protocol`: default `conventional`, else the first table; `fraction`: default 1. */
export function deliveryPlanFor(model: RtPlan, cfg: LoadedConfig, o: { protocol?: string; fraction?: number } = {}): Plan {
  const protocols = Object.keys(cfg.bridge.actionLevels);
  const protocol = o.protocol ?? (protocols.includes('conventional') ? 'conventional' : protocols[0]);
  return toDeliveryPlan(model, { mlc: cfg.mlc, protocol, protocols, delivery: cfg.bridge.delivery, fraction: o.fraction ?? 1, doseRateFor: (b) => defaultDoseRate(cfg, b) });
}

/** A DICOM RT Plan ready for the session: imported, checked against this machine, converted to the delivery plan. */
export function loadDicomPlanForDelivery(file: string, cfg: LoadedConfig, o: { protocol?: string; fraction?: number } = {}): LoadedPlan {
  const model = importRtPlanFile(file, cfg);
  assertPlanDeliverable(model, machineContext(cfg));
  return { format: 'dicom', model, plan: deliveryPlanFor(model, cfg, o) };
}

/** A JSON plan as before (validate-plan.ts) with its model. */
export function loadJsonPlan(text: string, file: string, cfg: LoadedConfig): LoadedPlan {
  const plan = loadPlanFile(text, file, cfg.mlc, Object.keys(cfg.bridge.actionLevels), cfg.bridge.delivery);
  return { format: 'json', model: fromJsonPlan(plan, cfg.mlc), plan };
}
